// cds only looks for .ts handlers when told so before it loads.
process.env.CDS_TYPESCRIPT = 'true';
