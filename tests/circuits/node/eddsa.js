// circomlibjs EdDSA-Poseidon helper for the interop tests.
//   node eddsa.js sign <prv hex> <msg decimal>        -> {"A": [x, y], "R8": [x, y], "S": s}
//   node eddsa.js verify <json {A, R8, S, msg}>        -> {"ok": true|false}
const { buildEddsa } = require("circomlibjs");

(async () => {
  const eddsa = await buildEddsa();
  const F = eddsa.babyJub.F;
  const dec = (x) => F.toObject(x).toString();
  const [cmd, a1, a2] = process.argv.slice(2);
  if (cmd === "sign") {
    const prv = Buffer.from(a1, "hex");
    const A = eddsa.prv2pub(prv);
    const sig = eddsa.signPoseidon(prv, F.e(BigInt(a2)));
    console.log(JSON.stringify({ A: A.map(dec), R8: sig.R8.map(dec), S: sig.S.toString() }));
  } else if (cmd === "verify") {
    const j = JSON.parse(a1);
    const A = j.A.map((v) => F.e(BigInt(v)));
    const sig = { R8: j.R8.map((v) => F.e(BigInt(v))), S: BigInt(j.S) };
    console.log(JSON.stringify({ ok: eddsa.verifyPoseidon(F.e(BigInt(j.msg)), sig, A) }));
  } else {
    throw new Error("usage: eddsa.js sign|verify ...");
  }
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
