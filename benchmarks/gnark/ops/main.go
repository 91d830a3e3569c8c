// Per-operation costs in gnark-crypto (BN254), single thread, each a dependent chain: the peer
// rows of native/examples/tower_ops.rs. Run from benchmarks/gnark: go run ./ops
package main

import (
	"fmt"
	"math/big"
	"time"

	bn "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

func ns(iters int, f func()) float64 {
	t := time.Now()
	for i := 0; i < iters; i++ {
		f()
	}
	return float64(time.Since(t).Nanoseconds()) / float64(iters)
}

func main() {
	fmt.Printf("%-28s %9s\n", "ns per operation", "gnark")
	row := func(what string, v float64) { fmt.Printf("%-28s %9.1f\n", what, v) }
	var a, b fp.Element
	a.SetRandom()
	b.SetRandom()
	row("Fq add", ns(10000000, func() { a.Add(&a, &b) }))
	row("Fq mul", ns(10000000, func() { a.Mul(&a, &b) }))
	var x, y bn.E2
	x.SetRandom()
	y.SetRandom()
	row("Fq2 mul", ns(5000000, func() { x.Mul(&x, &y) }))
	row("Fq2 square", ns(5000000, func() { x.Square(&x) }))
	g1, g2, _, g2Aff := bn.Generators()
	_ = g1
	var k fr.Element
	k.SetRandom()
	var kb big.Int
	k.BigInt(&kb)
	var p bn.G2Jac
	p.ScalarMultiplication(&g2, &kb)
	var q bn.G2Affine
	q.ScalarMultiplication(&g2Aff, &kb)
	row("G2 double", ns(1000000, func() { p.DoubleAssign() }))
	row("G2 mixed add", ns(1000000, func() { p.AddMixed(&q) }))
	var f, g bn.GT
	f.SetRandom()
	g.SetRandom()
	row("Fq12 mul", ns(200000, func() { f.Mul(&f, &g) }))
	row("Fq12 square", ns(200000, func() { f.Square(&f) }))
	row("Fq12 cyclotomic square", ns(200000, func() { f.CyclotomicSquare(&f) }))
}
