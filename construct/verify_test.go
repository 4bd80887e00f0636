package construct

import (
	"strings"
	"testing"

	"github.com/gencs/gencs/nn"
)

func TestVerify(t *testing.T) {
	g, _ := Gsp(12, 3)
	net, _ := g.Network()
	rep, err := Verify(net, VerifyOptions{Trials: 3000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.MaxNonZeros > 3 || rep.PreimageOK != rep.PreimageTargets || rep.WorstRelErr > 1e-9 {
		t.Fatalf("gsp report:\n%s", rep)
	}
	if rep.LipschitzEstimate > rep.LipschitzExact*(1+1e-9) || rep.LipschitzEstimate < 0.5*rep.LipschitzExact/1.8 {
		t.Fatalf("Lipschitz estimate %g vs exact %g", rep.LipschitzEstimate, rep.LipschitzExact)
	}
	// A grand network with a wedge angle far too large fails its claims.
	bad, _ := Grand(20, 2, 0.5, 1)
	bnet, _ := bad.Network()
	rep, err = Verify(bnet, VerifyOptions{Trials: 3000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || rep.OverK == 0 {
		t.Fatalf("alpha=0.5 passed:\n%s", rep)
	}
	if !strings.Contains(rep.String(), "FAIL") {
		t.Fatal("report does not show the failure")
	}
	// Generic network: sparsity claim only when k is given.
	rr, _ := nn.RandomReLU([]int{2, 8, 5}, 1)
	rep, err = Verify(rr, VerifyOptions{Trials: 500})
	if err != nil || !rep.OK || len(rep.Claims) != 0 {
		t.Fatalf("generic network without k: %v %+v", err, rep)
	}
	rep, _ = Verify(rr, VerifyOptions{Trials: 500, K: 1})
	if rep.OK {
		t.Fatal("dense random network claimed 1-sparse outputs")
	}
	if _, err := Verify(net, VerifyOptions{K: 2}); err == nil {
		t.Fatal("k disagreeing with the model accepted")
	}
}
