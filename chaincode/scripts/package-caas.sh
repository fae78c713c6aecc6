#!/bin/sh
# Writes a chaincode-as-a-service package for `peer lifecycle chaincode install`:
#   <outdir>/<label>.tar.gz = metadata.json ({"type":"ccaas","label"}) + code.tar.gz (connection.json)
# The peer's built-in ccaas builder reads connection.json and dials the chaincode at `address`;
# the chaincode itself runs elsewhere (see Dockerfile / npm run start:caas).
#
# Usage: sh scripts/package-caas.sh [label] [address] [outdir]
#   label    package label, default lading_1.0
#   address  host:port the PEER dials, default lading-chaincode:9999
#   outdir   default ./caas-package
# TLS: add "root_cert", "client_auth_required", "client_key", "client_cert" to connection.json
# (see the Fabric docs, "Chaincode as an external service").
set -eu

label=${1:-lading_1.0}
address=${2:-lading-chaincode:9999}
outdir=${3:-caas-package}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/connection.json" <<JSON
{
  "address": "$address",
  "dial_timeout": "10s",
  "tls_required": false
}
JSON
cat > "$work/metadata.json" <<JSON
{
  "type": "ccaas",
  "label": "$label"
}
JSON

mkdir -p "$outdir"
tar -C "$work" -czf "$work/code.tar.gz" connection.json
tar -C "$work" -czf "$outdir/$label.tar.gz" metadata.json code.tar.gz
cp "$work/connection.json" "$work/metadata.json" "$outdir/"

# Fabric's package id is <label>:<sha256 of the package file>; the chaincode must register with it.
hash=$(sha256sum "$outdir/$label.tar.gz" | cut -d' ' -f1)
echo "package:    $outdir/$label.tar.gz"
echo "package id: $label:$hash   (set CHAINCODE_ID to this; peer lifecycle chaincode calculatepackageid agrees)"
