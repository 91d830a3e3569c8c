// Command gnark_peer times gnark's Groth16 over BN254 on a circuit shaped like zkvct's synthetic
// chain circuit (one public input x0, m constraints x_{i+1} = x_i·(x_i + i + 1)), so
// benchmarks/bench_verify.py can set gnark's verification beside zkvct's in one run.
//
// Verification cost depends on the number of public inputs, not on m (gnark's verifier, like
// zkvct's prepared key, precomputes e(α, β) and the lines of −γ, −δ at setup). It prints one JSON
// line: {"gnark": version, "constraints": m, "verify_s": [...], "prove_s": [...]}.
//
// With -serve it sets up, prints {"ready": true, ...}, then proves once per line read from stdin
// and answers each with {"prove_s": t}: benchmarks/ab_gnark_prove.py alternates these proofs
// with zkvct's, so both see the same phase of a machine whose speed drifts.
//
//	go build -o gnark_peer . && ./gnark_peer -constraints 1024 -verify-rounds 200 -prove-rounds 3
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"
)

// Chain is the circuit: x_{i+1} = x_i·(x_i + i + 1) for i < n, and x_n = Out.
type Chain struct {
	X0  frontend.Variable `gnark:",public"`
	Out frontend.Variable
	n   int
}

func (c *Chain) Define(api frontend.API) error {
	x := c.X0
	for i := 0; i < c.n; i++ {
		x = api.Mul(x, api.Add(x, i+1))
	}
	api.AssertIsEqual(x, c.Out)
	return nil
}

func chainOutput(x0 int64, n int) *big.Int {
	r := ecc.BN254.ScalarField()
	x := big.NewInt(x0)
	t := new(big.Int)
	for i := 0; i < n; i++ {
		t.Add(x, big.NewInt(int64(i+1)))
		x.Mul(x, t).Mod(x, r)
	}
	return x
}

func die(what string, err error) {
	fmt.Fprintf(os.Stderr, "gnark_peer: %s: %v\n", what, err)
	os.Exit(1)
}

func gnarkVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == "github.com/consensys/gnark" {
				return d.Version
			}
		}
	}
	return "unknown"
}

func main() {
	m := flag.Int("constraints", 1024, "constraints of the chain circuit")
	verifyRounds := flag.Int("verify-rounds", 200, "timed verifications")
	proveRounds := flag.Int("prove-rounds", 3, "timed proofs")
	serve := flag.Bool("serve", false, "prove once per line read from stdin (after set-up)")
	flag.Parse()
	logger.Disable()

	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &Chain{n: *m})
	if err != nil {
		die("compile", err)
	}
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		die("setup", err)
	}
	full, err := frontend.NewWitness(&Chain{X0: 3, Out: chainOutput(3, *m), n: *m}, ecc.BN254.ScalarField())
	if err != nil {
		die("witness", err)
	}
	public, err := full.Public()
	if err != nil {
		die("public witness", err)
	}

	if *serve {
		// one warm-up proof, then one timed proof per line of stdin, each checked
		if _, err := groth16.Prove(ccs, pk, full); err != nil {
			die("prove", err)
		}
		ready, _ := json.Marshal(map[string]any{"ready": true, "gnark": gnarkVersion(),
			"constraints": ccs.GetNbConstraints(), "gomaxprocs": runtime.GOMAXPROCS(0)})
		fmt.Println(string(ready))
		lines := bufio.NewScanner(os.Stdin)
		for lines.Scan() {
			t0 := time.Now()
			proof, err := groth16.Prove(ccs, pk, full)
			if err != nil {
				die("prove", err)
			}
			took := time.Since(t0).Seconds()
			if err := groth16.Verify(proof, vk, public); err != nil {
				die("verify (the proof must verify)", err)
			}
			answer, _ := json.Marshal(map[string]any{"prove_s": took})
			fmt.Println(string(answer))
		}
		return
	}

	proveS := make([]float64, 0, *proveRounds)
	var proof groth16.Proof
	for i := 0; i < *proveRounds+1; i++ { // the first round warms up and is not recorded
		t0 := time.Now()
		proof, err = groth16.Prove(ccs, pk, full)
		if err != nil {
			die("prove", err)
		}
		if i > 0 {
			proveS = append(proveS, time.Since(t0).Seconds())
		}
	}
	if err := groth16.Verify(proof, vk, public); err != nil {
		die("verify (the proof must verify)", err)
	}
	verifyS := make([]float64, 0, *verifyRounds)
	for i := 0; i < *verifyRounds; i++ {
		t0 := time.Now()
		if err := groth16.Verify(proof, vk, public); err != nil {
			die("verify", err)
		}
		verifyS = append(verifyS, time.Since(t0).Seconds())
	}
	out, _ := json.Marshal(map[string]any{
		"gnark":       gnarkVersion(),
		"constraints": ccs.GetNbConstraints(),
		"gomaxprocs":  runtime.GOMAXPROCS(0),
		"verify_s":    verifyS,
		"prove_s":     proveS,
	})
	fmt.Println(string(out))
}
