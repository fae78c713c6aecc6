// cds only looks for .ts handlers when told so before it loads.
process.env.CDS_TYPESCRIPT = 'true';
// Tests of the inbound side run without the ledger pipeline; pipeline tests switch it on.
if (process.env.LADING_PIPELINE === undefined) process.env.LADING_PIPELINE = 'off';
// Never a fixed port in tests: an embedded SAP simulator takes any free one.
if (process.env.SAPSIM_PORT === undefined) process.env.SAPSIM_PORT = '0';
