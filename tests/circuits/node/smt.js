// circomlibjs sparse Merkle tree helper for the interop tests.
//   node smt.js '<json {"leaves": [[k, v], ...], "probes": [k, ...]}>'
//   -> {"root": r, "proofs": [{key, found, siblings, foundValue?, isOld0, notFoundKey, notFoundValue}]}
const { newMemEmptyTrie } = require("circomlibjs");

(async () => {
  const j = JSON.parse(process.argv[2]);
  const tree = await newMemEmptyTrie();
  const F = tree.F;
  const dec = (x) => F.toObject(x).toString();
  for (const [k, v] of j.leaves) await tree.insert(BigInt(k), BigInt(v));
  const proofs = [];
  for (const k of j.probes) {
    const r = await tree.find(BigInt(k));
    proofs.push({
      key: String(k), found: r.found, siblings: r.siblings.map(dec), isOld0: !!r.isOld0,
      foundValue: r.found ? dec(r.foundValue) : "0",
      notFoundKey: r.found ? "0" : dec(r.notFoundKey), notFoundValue: r.found ? "0" : dec(r.notFoundValue),
    });
  }
  console.log(JSON.stringify({ root: dec(tree.root), proofs }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
