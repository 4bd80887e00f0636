package construct

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/internal/vec"
	"github.com/gencs/gencs/nn"
)

// VerifyOptions configures Verify. The zero value is a sensible default.
type VerifyOptions struct {
	// K is the sparsity to check outputs against; 0 means the model's own
	// k for gsp/grand and no sparsity claim for other networks.
	K int
	// Trials is the number of random inputs (default 10000); a tenth of
	// it, at least 100, is the number of preimage targets.
	Trials int
	// Seed drives all sampling.
	Seed uint64
}

// Claim is one checked statement.
type Claim struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// VerifyReport is what Verify measured on a model.
type VerifyReport struct {
	Kind      string  `json:"kind"`
	InputDim  int     `json:"input_dim"`
	OutputDim int     `json:"output_dim"`
	K         int     `json:"k"`
	Alpha     float64 `json:"alpha,omitempty"`
	Depth     int     `json:"depth"`
	Widths    []int   `json:"hidden_widths"`
	NonZeros  int     `json:"non_zeros"`
	Params    int     `json:"params"`
	// Trials random inputs z ~ N(0, s^2 I), s log-uniform in [1e-3, 1e3].
	Trials         int   `json:"trials"`
	MaxNonZeros    int   `json:"max_output_non_zeros"`
	OverK          int   `json:"inputs_over_k"`
	NonZeroHistory []int `json:"non_zero_histogram"`
	// Preimage targets: random support of size k, random signs,
	// magnitudes log-uniform (1e-6..1e6 for gsp, 1e-3..1e3 for grand).
	PreimageTargets int     `json:"preimage_targets"`
	PreimageOK      int     `json:"preimage_ok"`
	PreimageExactOK int     `json:"preimage_exact_ok,omitempty"`
	WorstRelErr     float64 `json:"worst_relative_error"`
	// Lipschitz: nn's empirical lower estimate and product-of-norms upper
	// bound; for gsp also the exact constant sqrt(k)/sin w.
	LipschitzEstimate float64 `json:"lipschitz_estimate"`
	LipschitzUpper    float64 `json:"lipschitz_upper"`
	LipschitzExact    float64 `json:"lipschitz_exact,omitempty"`
	// LipschitzAtPreimages is the largest Jacobian norm at the preimage
	// points (gsp, grand): random inputs of G_rand almost never fall in a
	// wedge, so the empirical estimate there sees a zero function.
	LipschitzAtPreimages float64 `json:"lipschitz_at_preimages,omitempty"`
	Claims               []Claim `json:"claims"`
	OK                   bool    `json:"ok"`
}

// Verify measures a model's range claims: sparsity of outputs on random
// inputs, preimage success on random k-sparse targets (gsp and grand, whose
// construction it rebuilds from the meta and checks against the weights),
// depth, widths, non-zeros and Lipschitz constants. Failed claims are
// listed in the report (OK false); an error means the model could not be
// examined.
func Verify(net *nn.Network, opt VerifyOptions) (*VerifyReport, error) {
	if opt.Trials <= 0 {
		opt.Trials = 10000
	}
	kin, n := net.Dims()
	rep := &VerifyReport{Kind: net.Kind, InputDim: kin, OutputDim: n, Depth: net.Depth(),
		Widths: net.Widths(), NonZeros: net.NonZeros(), Params: net.NumParams(), Trials: opt.Trials}
	var c Construction
	if net.Kind == "gsp" || net.Kind == "grand" {
		var err error
		c, err = FromNetwork(net)
		if err != nil {
			return nil, err
		}
		rep.K = c.K()
		if g, ok := c.(*GrandNet); ok {
			rep.Alpha = g.Alpha()
		}
	}
	if opt.K > 0 {
		if c != nil && opt.K != c.K() {
			return nil, fmt.Errorf("construct: verify: --k %d disagrees with the model's k=%d", opt.K, c.K())
		}
		rep.K = opt.K
	}
	claim := func(name string, ok bool, format string, a ...any) {
		rep.Claims = append(rep.Claims, Claim{name, ok, fmt.Sprintf(format, a...)})
	}
	// Structure.
	if c != nil {
		k := c.K()
		var want []int
		var formula string
		if net.Kind == "gsp" {
			want, formula = []int{4 * n * k, 2 * n * k}, "4nk, 2nk"
		} else {
			want, formula = []int{8 * n, 4 * n}, "8n, 4n"
		}
		okW := len(rep.Widths) == 2 && rep.Widths[0] == want[0] && rep.Widths[1] == want[1]
		claim("two hidden layers", rep.Depth == 2, "depth %d", rep.Depth)
		claim("widths", okW, "hidden widths %v, formula %s = %v", rep.Widths, formula, want)
	}
	// Sparsity of outputs on random inputs.
	r := rng.New(opt.Seed, 0x766572696679) // "verify"
	z := make([]float64, kin)
	y := make([]float64, n)
	hist := map[int]int{}
	for t := 0; t < opt.Trials; t++ {
		s := math.Pow(10, -3+6*r.Float64())
		for i := range z {
			z[i] = s * r.NormFloat64()
		}
		y = net.Forward(y, z)
		nz := 0
		for _, v := range y {
			if v != 0 {
				nz++
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("construct: verify: non-finite output at a random input")
			}
		}
		hist[nz]++
		rep.MaxNonZeros = max(rep.MaxNonZeros, nz)
		if rep.K > 0 && nz > rep.K {
			rep.OverK++
		}
	}
	rep.NonZeroHistory = make([]int, rep.MaxNonZeros+1)
	for k, v := range hist {
		rep.NonZeroHistory[k] = v
	}
	if rep.K > 0 {
		claim("outputs have at most k non-zeros", rep.OverK == 0,
			"max %d non-zeros over %d random inputs; %d exceed k=%d", rep.MaxNonZeros, opt.Trials, rep.OverK, rep.K)
	}
	// Preimages.
	if c != nil {
		k := c.K()
		lo, hi := -6.0, 6.0
		if net.Kind == "grand" {
			lo, hi = -3, 3
		}
		rep.PreimageTargets = max(100, opt.Trials/10)
		rp := rng.New(opt.Seed, 0x707265696d616765) // "preimage"
		var firstFail string
		for t := 0; t < rep.PreimageTargets; t++ {
			x := make([]float64, n)
			for _, i := range rp.Perm(n)[:k] {
				x[i] = math.Pow(10, lo+(hi-lo)*rp.Float64())
				if rp.IntN(2) == 0 {
					x[i] = -x[i]
				}
			}
			zz, err := c.Preimage(x)
			if zz != nil && err == nil {
				rep.LipschitzAtPreimages = math.Max(rep.LipschitzAtPreimages, c.LocalLipschitz(zz))
			}
			if zz != nil {
				got := net.Forward(nil, zz) // the loaded network, not the rebuilt one
				rel := vec.RelErr(got, x)
				if err == nil {
					if cerr := checkTarget(got, x); cerr != nil {
						err = fmt.Errorf("%w: loaded network: %v", ErrPreimage, cerr)
					}
				}
				rep.WorstRelErr = math.Max(rep.WorstRelErr, rel)
			}
			if err == nil {
				rep.PreimageOK++
				continue
			}
			if g, ok := c.(*GrandNet); ok && errors.Is(err, ErrPreimage) && !strings.Contains(err.Error(), "inside another wedge") {
				if _, xerr := g.ExactPreimage(x); xerr == nil {
					rep.PreimageExactOK++
					continue
				}
			}
			if firstFail == "" {
				firstFail = err.Error()
			}
		}
		ok := rep.PreimageOK+rep.PreimageExactOK == rep.PreimageTargets
		detail := fmt.Sprintf("%d/%d targets reproduced to %g relative with exact support", rep.PreimageOK, rep.PreimageTargets, PreimageTol)
		if rep.PreimageExactOK > 0 {
			detail += fmt.Sprintf(", %d more verified by exact rational preimage (float64 cancellation)", rep.PreimageExactOK)
		}
		if firstFail != "" {
			detail += "; first failure: " + firstFail
		}
		claim("every k-sparse target has a preimage", ok, "%s", detail)
	}
	// Lipschitz.
	rep.LipschitzEstimate = nn.LipschitzEstimate(net, 200, opt.Seed)
	rep.LipschitzUpper = net.LipschitzUpper()
	if g, ok := c.(*GspNet); ok {
		rep.LipschitzExact = g.Lipschitz()
		claim("Lipschitz estimates <= exact sqrt(k)/sin w", rep.LipschitzEstimate <= rep.LipschitzExact*(1+1e-9) && rep.LipschitzAtPreimages <= rep.LipschitzExact*(1+1e-9),
			"estimate %.6g, Jacobian norm at preimages %.6g, exact %.6g, product-of-norms bound %.6g", rep.LipschitzEstimate, rep.LipschitzAtPreimages, rep.LipschitzExact, rep.LipschitzUpper)
	}
	rep.OK = true
	for _, cl := range rep.Claims {
		rep.OK = rep.OK && cl.OK
	}
	return rep, nil
}

// String formats the report as a table.
func (r *VerifyReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model kind %q: R^%d -> R^%d", r.Kind, r.InputDim, r.OutputDim)
	if r.K > 0 {
		fmt.Fprintf(&b, ", k=%d", r.K)
	}
	if r.Alpha > 0 {
		fmt.Fprintf(&b, ", alpha=%.3g", r.Alpha)
	}
	fmt.Fprintf(&b, "\n  depth %d, hidden widths %v, non-zeros %d, parameters %d\n", r.Depth, r.Widths, r.NonZeros, r.Params)
	if len(r.NonZeroHistory) <= 33 {
		fmt.Fprintf(&b, "  outputs of %d random inputs: max %d non-zeros, histogram %v\n", r.Trials, r.MaxNonZeros, r.NonZeroHistory)
	} else {
		// Dense outputs: a histogram over every count would fill the screen.
		fmt.Fprintf(&b, "  outputs of %d random inputs: max %d non-zeros of %d (histogram in --json)\n", r.Trials, r.MaxNonZeros, r.OutputDim)
	}
	if r.PreimageTargets > 0 {
		fmt.Fprintf(&b, "  preimages: %d/%d ok", r.PreimageOK, r.PreimageTargets)
		if r.PreimageExactOK > 0 {
			fmt.Fprintf(&b, " (+%d exact)", r.PreimageExactOK)
		}
		fmt.Fprintf(&b, ", worst relative error %.3g\n", r.WorstRelErr)
	}
	fmt.Fprintf(&b, "  Lipschitz: estimate %.6g, upper bound %.6g", r.LipschitzEstimate, r.LipschitzUpper)
	if r.LipschitzExact > 0 {
		fmt.Fprintf(&b, ", exact %.6g", r.LipschitzExact)
	}
	if r.LipschitzAtPreimages > 0 {
		fmt.Fprintf(&b, ", max Jacobian norm at preimages %.6g", r.LipschitzAtPreimages)
	}
	b.WriteString("\n")
	for _, c := range r.Claims {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  [%s] %s: %s\n", mark, c.Name, c.Detail)
	}
	return b.String()
}
