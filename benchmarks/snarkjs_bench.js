// Time snarkjs 0.7.6 in-process (no process start-up counted) on the SAME .zkey/.wtns as zkvct.
// usage: NODE_PATH=tests/peers/node_modules node benchmarks/snarkjs_bench.js ZKEY WTNS ROUNDS
// Prints one JSON object: {prove_s: [...], verify_s: [...], threads, valid}.
// With ROUNDS = "serve" it proves once per line read from stdin and answers each with one JSON
// line {prove_s, valid}: a caller alternates these proofs with its own, so both see the same
// phase of a machine whose speed drifts (bench_prove_small.py's interleaved rows).
// The files are read into memory first, so file I/O is not timed (zkvct memory-maps them).
const fs = require("fs");
const os = require("os");
const { performance } = require("perf_hooks");
const snarkjs = require("snarkjs");

async function main() {
    const [zkeyPath, wtnsPath, roundsArg] = process.argv.slice(2);
    const rounds = parseInt(roundsArg || "3", 10);
    const zkey = { type: "mem", data: new Uint8Array(fs.readFileSync(zkeyPath)) };
    const wtns = { type: "mem", data: new Uint8Array(fs.readFileSync(wtnsPath)) };
    const vk = await snarkjs.zKey.exportVerificationKey(zkey);
    // warm-up: builds the curve (wasm + worker threads) once, as a long-running service would
    let last = await snarkjs.groth16.prove(zkey, wtns);
    if (roundsArg === "serve") {
        console.log(JSON.stringify({ ready: true, threads: os.cpus().length }));
        const lines = require("readline").createInterface({ input: process.stdin });
        for await (const _line of lines) {
            const t0 = performance.now();
            last = await snarkjs.groth16.prove(zkey, wtns);
            const prove_s = (performance.now() - t0) / 1000;
            const valid = await snarkjs.groth16.verify(vk, last.publicSignals, last.proof);
            console.log(JSON.stringify({ prove_s, valid }));
        }
        process.exit(0);
    }
    const prove_s = [];
    for (let i = 0; i < rounds; i++) {
        const t0 = performance.now();
        last = await snarkjs.groth16.prove(zkey, wtns);
        prove_s.push((performance.now() - t0) / 1000);
    }
    const verify_s = [];
    let valid = true;
    for (let i = 0; i < Math.max(rounds, 5); i++) {
        const t0 = performance.now();
        valid = valid && await snarkjs.groth16.verify(vk, last.publicSignals, last.proof);
        verify_s.push((performance.now() - t0) / 1000);
    }
    console.log(JSON.stringify({ prove_s, verify_s, valid, threads: os.cpus().length }));
    process.exit(0); // the curve's worker threads would keep node alive
}

main().catch((e) => { console.error(e); process.exit(1); });
