package construct

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/nn"
)

// TestNetworksRoundTrip saves both constructions as model files, loads
// them, checks the nn network computes bit-for-bit the same outputs as the
// direct evaluator, reports depth 2, the widths and the non-zeros, and
// that FromNetwork rebuilds a construction whose Preimage works on it.
func TestNetworksRoundTrip(t *testing.T) {
	gsp, _ := Gsp(9, 3)
	grand, _ := Grand(9, 3, 0, 77)
	for _, c := range []Construction{gsp, grand} {
		net, err := c.Network()
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := nn.Save(dir, net); err != nil {
			t.Fatal(err)
		}
		loaded, err := nn.Load(filepath.Join(dir, nn.ManifestName))
		if err != nil {
			t.Fatal(err)
		}
		if loaded.Depth() != 2 {
			t.Fatalf("%s: depth %d", net.Kind, loaded.Depth())
		}
		w := c.Widths()
		if hw := loaded.Widths(); len(hw) != 2 || hw[0] != w[1] || hw[1] != w[2] {
			t.Fatalf("%s: hidden widths %v, want %v", net.Kind, hw, w[1:3])
		}
		if loaded.NonZeros() > c.NonZeros() {
			t.Fatalf("%s: %d non-zeros, construction stores %d", net.Kind, loaded.NonZeros(), c.NonZeros())
		}
		rc, err := FromNetwork(loaded)
		if err != nil {
			t.Fatal(err)
		}
		kin, n := c.Dims()
		r := rng.New(20)
		z := make([]float64, kin)
		for trial := 0; trial < 500; trial++ {
			for i := range z {
				z[i] = r.NormFloat64()
			}
			a, b := c.Forward(nil, z), loaded.Forward(nil, z)
			for i := range a {
				if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(a[i] == 0 && b[i] == 0) {
					t.Fatalf("%s: direct %g, loaded network %g", net.Kind, a[i], b[i])
				}
			}
		}
		x := make([]float64, n)
		x[2], x[7] = 1.5, -0.25
		zz, err := rc.Preimage(x)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkTarget(loaded.Forward(nil, zz), x); err != nil {
			t.Fatalf("%s: loaded network at rebuilt preimage: %v", net.Kind, err)
		}
		// A tampered model is rejected.
		net.Meta["k"] = 2
		if _, err := FromNetwork(net); err == nil {
			t.Fatalf("%s: meta k=2 accepted for a k=3 network", net.Kind)
		}
	}
	plain, _ := nn.RandomReLU([]int{2, 4, 3}, 1)
	if _, err := FromNetwork(plain); err == nil {
		t.Fatal("random_relu accepted as a construction")
	}
}
