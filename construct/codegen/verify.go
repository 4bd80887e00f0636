package codegen

import (
	"fmt"
	"math"

	"github.com/gencs/gencs/internal/rng"
)

// VerifyOptions control Verify. The zero value checks exhaustively where
// cheap and samples otherwise.
type VerifyOptions struct {
	// Trials is the number of random latent pairs used to probe the
	// Lipschitz constant (0 means 20000).
	Trials int
	// Seed drives the sampling.
	Seed uint64
	// MaxExactX is the largest |X| for which every pair of G(X) is
	// compared (0 means 4096); above it MaxExactX^2/2 random pairs are.
	MaxExactX int
}

// Report is the outcome of checking the claims of Theorem 2.1 on one
// instance. Distances and norms are l_p with p = Params.P.
type Report struct {
	N             int     `json:"n"`
	K             int     `json:"k"`
	P             int     `json:"p"`
	L             float64 `json:"L"`
	Rlat          float64 `json:"r"`
	R             float64 `json:"R"`
	Block         int     `json:"block"`    // n/k
	CodeDim       int     `json:"code_dim"` // M, so |P| = 2^M
	CodeTau       float64 `json:"code_tau"` // measured balance of the binary code (<= 1/6)
	CodeMinWeight int     `json:"code_min_weight"`
	CodeMaxWeight int     `json:"code_max_weight"`
	Wanted        int     `json:"wanted"` // floor(Lr/R), capped by MaxPoints
	Points        int     `json:"points"` // |P'| = min(Wanted, 2^M)
	Q             int     `json:"q"`      // Reed–Solomon alphabet (prime)
	RSMsgLen      int     `json:"rs_msg_len"`
	RSDistance    int     `json:"rs_distance"` // measured minimum distance of the RS code
	RSDesigned    int     `json:"rs_designed"` // k - ceil(k/2) + 1

	// Lipschitz: exact (steepest segment) in l_p and l_2, the largest ratio
	// seen on random pairs (never above the exact value), and the proven
	// bound C_p L with C_p = LipschitzConstant(p).
	Lipschitz        float64 `json:"lipschitz"`
	Lipschitz2       float64 `json:"lipschitz2"`
	LipschitzSampled float64 `json:"lipschitz_sampled"`
	LipschitzC       float64 `json:"lipschitz_c"`
	LipschitzBound   float64 `json:"lipschitz_bound"`

	// Norms over all of X: ||G(x)||_p (claim: = R), entries on the grid
	// {±R/n^{1/p}}, and ||x||_p (claim: <= r).
	NormMin       float64 `json:"norm_min"`
	NormMax       float64 `json:"norm_max"`
	OnGrid        bool    `json:"on_grid"`
	LatentNormMax float64 `json:"latent_norm_max"`

	// Minimum pairwise distance over G(X) against the theorem's R/6^{1/p}
	// and the bound 2R (d_RS/k)^{1/p} (1/3)^{1/p} proven in the package doc.
	MinDist        float64 `json:"min_dist"`
	MinDistClaim   float64 `json:"min_dist_claim"`
	MinDistDerived float64 `json:"min_dist_derived"`
	PairsExact     bool    `json:"pairs_exact"`
	Pairs          int     `json:"pairs"`

	// |X| = Q^ceil(k/2) against the theorem's (|P'|/2)^{k/2}; log2 sizes
	// against min(k log2(Lr/R), n).
	SizeX      int     `json:"size_x"`
	SizeClaim  float64 `json:"size_claim"`
	Log2X      float64 `json:"log2_x"`
	Log2Target float64 `json:"k_log2_lr_over_R"` // k log2(Lr/R)
	CappedByN  bool    `json:"capped_by_n"`      // |P'| < Wanted: the code, i.e. n/k, limits the curve
	// OK reports that every claim held; Failures lists those that did not.
	OK       bool     `json:"ok"`
	Failures []string `json:"failures"`
}

// Verify measures every claim of Theorem 2.1 on g.
func (g *Generator) Verify(opt VerifyOptions) Report {
	if opt.Trials <= 0 {
		opt.Trials = 20000
	}
	if opt.MaxExactX <= 0 {
		opt.MaxExactX = 4096
	}
	p := g.P
	pp := float64(p)
	rep := Report{
		N: g.N, K: g.K, P: p, L: g.L, Rlat: g.Rlat, R: g.R,
		Block: g.Block, CodeDim: g.Code.K, CodeTau: g.CodeBias.Tau,
		CodeMinWeight: g.CodeBias.MinWeight, CodeMaxWeight: g.CodeBias.MaxWeight,
		Wanted: g.Wanted, Points: len(g.Points), Q: g.Q, RSMsgLen: g.RS.K,
		RSDesigned: g.RS.Distance(), SizeX: g.NumX(),
		Lipschitz: g.Lipschitz(p), Lipschitz2: g.Lipschitz(2),
		LipschitzC: LipschitzConstant(p), OnGrid: true,
		MinDistClaim: g.R / math.Pow(6, 1/pp),
	}
	fail := func(format string, a ...any) { rep.Failures = append(rep.Failures, fmt.Sprintf(format, a...)) }
	rep.LipschitzBound = rep.LipschitzC * g.L
	if d, err := g.RS.MeasureDistance(1 << 20); err == nil {
		rep.RSDistance = d
	} else {
		rep.RSDistance = rep.RSDesigned // too large to enumerate; designed value
	}
	if rep.RSDistance < rep.RSDesigned || 2*rep.RSDistance < g.K {
		fail("Reed–Solomon distance %d < max(k/2, %d)", rep.RSDistance, rep.RSDesigned)
	}
	if !g.CodeBias.Balanced(Tau) {
		fail("binary code bias %.4f > 1/6", g.CodeBias.Tau)
	}
	rep.MinDistDerived = 2 * g.R * math.Pow(float64(rep.RSDistance)/(3*float64(g.K)), 1/pp)
	rep.SizeClaim = math.Pow(float64(len(g.Points))/2, float64(g.K)/2)
	rep.Log2X = math.Log2(float64(rep.SizeX))
	rep.Log2Target = float64(g.K) * math.Log2(g.L*g.Rlat/g.R)
	rep.CappedByN = len(g.Points) < g.Wanted

	// Lipschitz: sampled pairs, including pairs inside one segment.
	r := rng.New(opt.Seed, 0x11b)
	a, b := make([]float64, g.K), make([]float64, g.K)
	ga, gb := make([]float64, g.N), make([]float64, g.N)
	for t := range opt.Trials {
		for i := range a {
			a[i] = (1.2*r.Float64() - 0.1) * g.T
			if t%2 == 0 {
				b[i] = a[i] + (r.Float64()-0.5)*g.Step
			} else {
				b[i] = (1.2*r.Float64() - 0.1) * g.T
			}
		}
		dz := distP(a, b, p)
		if dz == 0 {
			continue
		}
		g.Forward(ga, a)
		g.Forward(gb, b)
		rep.LipschitzSampled = math.Max(rep.LipschitzSampled, distP(ga, gb, p)/dz)
	}
	if rep.LipschitzSampled > rep.Lipschitz*(1+1e-9) {
		fail("sampled Lipschitz ratio %.6g exceeds the exact constant %.6g", rep.LipschitzSampled, rep.Lipschitz)
	}
	if rep.Lipschitz > rep.LipschitzBound*(1+1e-9) {
		fail("Lipschitz constant %.6g exceeds C_p L = %.6g", rep.Lipschitz, rep.LipschitzBound)
	}

	// Norms and grid over all of X (or the first million points).
	nx := min(rep.SizeX, 1<<20)
	rep.NormMin = math.Inf(1)
	x := make([]float64, g.K)
	for idx := range nx {
		g.X(x, idx)
		g.Forward(ga, x)
		nrm := norm(ga, p)
		rep.NormMin = math.Min(rep.NormMin, nrm)
		rep.NormMax = math.Max(rep.NormMax, nrm)
		rep.LatentNormMax = math.Max(rep.LatentNormMax, norm(x, p))
		for _, v := range ga {
			if math.Abs(math.Abs(v)-g.Unit) > 1e-12*g.Unit {
				rep.OnGrid = false
			}
		}
	}
	if math.Abs(rep.NormMin-g.R) > 1e-9*g.R || math.Abs(rep.NormMax-g.R) > 1e-9*g.R {
		fail("||G(x)||_p ranges over [%.12g, %.12g], want R = %g", rep.NormMin, rep.NormMax, g.R)
	}
	if !rep.OnGrid {
		fail("some G(x), x in X, has an entry other than ±R/n^{1/p}")
	}
	if rep.LatentNormMax > g.Rlat*(1+1e-12) {
		fail("max ||x||_p over X is %.6g > r = %g", rep.LatentNormMax, g.Rlat)
	}

	// Pairwise distances through the per-block table D[s][s'] =
	// ||P_s - P_s'||_p^p (G(X) is a product over blocks), with a sample of
	// pairs cross-checked through Forward.
	tab := make([][]float64, g.Q)
	for s := range tab {
		tab[s] = make([]float64, g.Q)
		for u := range tab[s] {
			d := distP(g.Points[s], g.Points[u], p)
			if p == 2 {
				d *= d
			}
			tab[s][u] = d
		}
	}
	nX := rep.SizeX
	cws := make([][]int, 0)
	best := math.Inf(1)
	pairDist := func(c1, c2 []int) float64 {
		s := 0.0
		for i := range c1 {
			s += tab[c1[i]][c2[i]]
		}
		return s
	}
	if nX <= opt.MaxExactX {
		rep.PairsExact = true
		for i := range nX {
			cws = append(cws, g.Symbols(nil, i))
		}
		for i := range nX {
			for j := i + 1; j < nX; j++ {
				best = math.Min(best, pairDist(cws[i], cws[j]))
				rep.Pairs++
			}
		}
	} else {
		c1, c2 := make([]int, g.K), make([]int, g.K)
		total := opt.MaxExactX * opt.MaxExactX / 2
		for range total {
			i, j := r.IntN(nX), r.IntN(nX)
			if i == j {
				continue
			}
			best = math.Min(best, pairDist(g.Symbols(c1, i), g.Symbols(c2, j)))
			rep.Pairs++
		}
	}
	rep.MinDist = math.Pow(best, 1/pp)
	if nX < 2 {
		rep.MinDist = math.Inf(1)
	}
	for t := 0; t < 200 && nX >= 2; t++ {
		i, j := r.IntN(nX), r.IntN(nX)
		if i == j {
			continue
		}
		g.Forward(ga, g.X(x, i))
		g.Forward(gb, g.X(x, j))
		via := math.Pow(pairDist(g.Symbols(nil, i), g.Symbols(nil, j)), 1/pp)
		if d := distP(ga, gb, p); math.Abs(d-via) > 1e-9*g.R {
			fail("pair distance %.12g via Forward differs from the block table %.12g", d, via)
			break
		}
	}
	if rep.MinDist < rep.MinDistClaim*(1-1e-12) {
		fail("minimum distance %.6g < R/6^{1/p} = %.6g", rep.MinDist, rep.MinDistClaim)
	}
	if rep.MinDist < rep.MinDistDerived*(1-1e-9) {
		fail("minimum distance %.6g < the derived bound %.6g", rep.MinDist, rep.MinDistDerived)
	}
	if float64(rep.SizeX) < rep.SizeClaim*(1-1e-12) {
		fail("|X| = %d < (|P'|/2)^{k/2} = %.6g", rep.SizeX, rep.SizeClaim)
	}
	rep.OK = len(rep.Failures) == 0
	return rep
}

// String renders the report as a small table.
func (r Report) String() string {
	s := fmt.Sprintf("Theorem 2.1 generator: n=%d k=%d p=%d L=%g r=%g R=%g\n", r.N, r.K, r.P, r.L, r.Rlat, r.R)
	s += fmt.Sprintf("  binary code        [%d, %d], weights [%d, %d] (tau = %.4f <= 1/6)\n", r.Block, r.CodeDim, r.CodeMinWeight, r.CodeMaxWeight, r.CodeTau)
	s += fmt.Sprintf("  curve points |P'|  %d (floor(Lr/R) = %d, code has %d)%s\n", r.Points, r.Wanted, 1<<r.CodeDim, map[bool]string{true: "  [capped by n/k]", false: ""}[r.CappedByN])
	s += fmt.Sprintf("  Reed–Solomon       GF(%d), length %d, message %d, distance %d (designed %d)\n", r.Q, r.K, r.RSMsgLen, r.RSDistance, r.RSDesigned)
	s += fmt.Sprintf("  Lipschitz (l_%d)    %.6g exact, %.6g sampled, bound %.4g*L = %.6g   (l_2: %.6g)\n", r.P, r.Lipschitz, r.LipschitzSampled, r.LipschitzC, r.LipschitzBound, r.Lipschitz2)
	s += fmt.Sprintf("  ||G(x)||_p on X    [%.10g, %.10g] (R = %g), entries ±R/n^{1/p}: %v, max ||x||_p = %.6g (r = %g)\n", r.NormMin, r.NormMax, r.R, r.OnGrid, r.LatentNormMax, r.Rlat)
	s += fmt.Sprintf("  min distance G(X)  %.6g over %d pairs (exact: %v); claim R/6^{1/p} = %.6g, derived %.6g\n", r.MinDist, r.Pairs, r.PairsExact, r.MinDistClaim, r.MinDistDerived)
	s += fmt.Sprintf("  |X|                %d (log2 %.3f); theorem (|P'|/2)^{k/2} = %.6g; k log2(Lr/R) = %.3f, n = %d\n", r.SizeX, r.Log2X, r.SizeClaim, r.Log2Target, r.N)
	if r.OK {
		s += "  all claims hold\n"
	} else {
		for _, f := range r.Failures {
			s += "  FAIL: " + f + "\n"
		}
	}
	return s
}
