package game

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gencs/gencs/internal/atomicfile"
)

// StudyConfig describes the threshold study: for each latent dimension k,
// each ratio L r/delta and each decoder, sweep m = 1, 2, ... and find m*,
// the smallest m at which Bob answers at least 2/3 of the queried bits.
type StudyConfig struct {
	Ks       []int     // latent dimensions (default 2, 4, 6)
	Ratios   []float64 // values of L r/delta (default 64, 256, 1024, 4096, 16384)
	Decoders []Decoder // default exhaustive, exact, csgm
	// Block is n/k (default 21).
	Block int
	// MaxCodeDim caps the binary code dimension M, so |P'| <= 2^M: the
	// theorem's |P| = 2^{Omega(n/k)} made concrete. 0 means Block/4 (5 for
	// the default block: |P'| <= 32, so ratios above 1024 show the cap).
	MaxCodeDim int
	Trials     int // games per (configuration, m); default 24
	Chunks     int // t; default 3
	D          int // default 96
	P          int // default 2
	Seed       uint64
	// ExactMaxChoices skips the exact decoder where (|P'|-1)^k exceeds it
	// (default 1e6).
	ExactMaxChoices int
	// Restarts and Iters configure CSGM (default 16 and 200).
	Restarts, Iters int
	Workers         int
}

// MPoint is the outcome at one m.
type MPoint struct {
	M         int     `json:"m"`
	Successes int     `json:"successes"`
	Trials    int     `json:"trials"`
	Rate      float64 `json:"rate"`
	Lo        float64 `json:"wilson_lo"`
	Hi        float64 `json:"wilson_hi"`
	BitsSent  int     `json:"bits_sent"`
}

// Threshold is m* for one (decoder, k, L r/delta).
type Threshold struct {
	Decoder string  `json:"decoder"`
	K       int     `json:"k"`
	N       int     `json:"n"`
	Ratio   float64 `json:"lr_over_delta"`
	// X = k log2(L r/delta), the theorem's predictor.
	X      float64 `json:"k_log2_ratio"`
	Points int     `json:"points"`
	Q      int     `json:"q"`
	SizeX  int     `json:"size_x"`
	DBits  int     `json:"d"`
	Capped bool    `json:"capped_by_n"`
	// ProofRegime reports delta < R/24 (L r/delta > 576).
	ProofRegime bool `json:"proof_regime"`
	// The sweep runs m = 1, 2, ... until the 95% Wilson lower bound of the
	// success rate reaches 2/3 (at MHi; n+1 if never). MStar is the smallest
	// m from which every swept m has success rate >= 2/3 (robust to a lucky
	// early m, since a wrong chunk still gives the right bit half the time),
	// and MLo is one more than the last m whose Wilson upper bound is below
	// 2/3: [MLo, MHi] brackets the threshold at 95% per point.
	MStar int `json:"m_star"`
	// BitsAtMStar is the message length m* x bits per entry (compare d).
	BitsAtMStar int      `json:"bits_at_m_star"`
	MLo         int      `json:"m_lo"`
	MHi         int      `json:"m_hi"`
	Curve       []MPoint `json:"curve"`
}

// Fit is the least-squares line m* = Slope * k log2(L r/delta) + Intercept
// over one decoder's uncapped thresholds.
type Fit struct {
	Decoder   string  `json:"decoder"`
	Slope     float64 `json:"slope"`
	Intercept float64 `json:"intercept"`
	R2        float64 `json:"r2"`
	Count     int     `json:"count"`
	// PerK and PerBit are the two-variable least-squares fit
	// m* = PerK k + PerBit k log2(L r/delta) (no intercept), separating the
	// cost of the latent dimension from that of the resolution.
	PerK   float64 `json:"per_k"`
	PerBit float64 `json:"per_bit"`
}

// Study holds the thresholds and fits.
type Study struct {
	Thresholds []Threshold `json:"thresholds"`
	Fits       []Fit       `json:"fits"`
}

func (c *StudyConfig) defaults() {
	if len(c.Ks) == 0 {
		c.Ks = []int{2, 4, 6}
	}
	if len(c.Ratios) == 0 {
		c.Ratios = []float64{64, 256, 1024, 4096, 16384}
	}
	if len(c.Decoders) == 0 {
		c.Decoders = []Decoder{Exhaustive, Exact, CSGM}
	}
	if c.Block == 0 {
		c.Block = 21
	}
	if c.MaxCodeDim == 0 {
		c.MaxCodeDim = max(1, c.Block/4)
	}
	if c.Trials == 0 {
		c.Trials = 24
	}
	if c.Chunks == 0 {
		c.Chunks = 3
	}
	if c.D == 0 {
		c.D = 96
	}
	if c.P == 0 {
		c.P = 2
	}
	if c.ExactMaxChoices == 0 {
		c.ExactMaxChoices = 1000000
	}
	if c.Restarts == 0 {
		c.Restarts = 16
	}
	if c.Iters == 0 {
		c.Iters = 200
	}
}

// RunStudy runs the threshold study. progress, if non-nil, receives one line
// per finished threshold.
func RunStudy(ctx context.Context, sc StudyConfig, progress func(Threshold)) (Study, error) {
	sc.defaults()
	var st Study
	for _, dec := range sc.Decoders {
		for _, k := range sc.Ks {
			for ri, ratio := range sc.Ratios {
				n := sc.Block * k
				base := Config{
					N: n, K: k, P: sc.P, L: 1, Rlat: 1, Delta: 1 / ratio,
					Seed: sc.Seed + uint64(1000*k+ri), AllowLargeDelta: true, MaxCodeDim: sc.MaxCodeDim,
					D: sc.D, Chunks: sc.Chunks, Decoder: dec, Trials: sc.Trials,
					Restarts: sc.Restarts, Iters: sc.Iters, Workers: sc.Workers,
					ExactLimit: sc.ExactMaxChoices,
				}
				base.M = 1
				s, err := NewSetup(base)
				if err != nil {
					if dec == Exact {
						continue // too many segment choices for this k, ratio
					}
					return st, fmt.Errorf("threshold study k=%d L r/delta=%g: %w", k, ratio, err)
				}
				th := Threshold{
					Decoder: dec.String(), K: k, N: n, Ratio: ratio, X: float64(k) * math.Log2(ratio),
					Points: len(s.Gen.Points), Q: s.Gen.Q, SizeX: s.Gen.NumX(),
					Capped: len(s.Gen.Points) < s.Gen.Wanted, ProofRegime: ratio > 576,
					MLo: n + 1, MHi: n + 1,
				}
				lastFail, lastSure := 0, 0
				for m := 1; m <= n; m++ {
					s.Cfg.M = m
					res, err := s.Run(ctx)
					if err != nil {
						return st, fmt.Errorf("threshold study k=%d L r/delta=%g m=%d: %w", k, ratio, m, err)
					}
					th.DBits = res.DBits
					th.Curve = append(th.Curve, MPoint{M: m, Successes: res.Successes, Trials: res.Trials, Rate: res.SuccessRate, Lo: res.WilsonLo, Hi: res.WilsonHi, BitsSent: res.BitsSent})
					if 3*res.Successes < 2*res.Trials {
						lastFail = m
					}
					if 3*res.WilsonHi < 2 {
						lastSure = m
					}
					if 3*res.WilsonLo >= 2 {
						th.MHi = m
						break
					}
				}
				th.MStar = lastFail + 1
				th.MLo = lastSure + 1
				for _, c := range th.Curve {
					if c.M == th.MStar {
						th.BitsAtMStar = c.BitsSent
					}
				}
				st.Thresholds = append(st.Thresholds, th)
				if progress != nil {
					progress(th)
				}
			}
		}
	}
	for _, dec := range sc.Decoders {
		st.Fits = append(st.Fits, fitLine(dec.String(), st.Thresholds))
	}
	return st, nil
}

// fitLine fits m* against k log2(L r/delta) over the uncapped thresholds of
// one decoder that were found below n.
func fitLine(dec string, ths []Threshold) Fit {
	var xs, ys []float64
	for _, t := range ths {
		if t.Decoder == dec && !t.Capped && t.MStar <= t.N {
			xs = append(xs, t.X)
			ys = append(ys, float64(t.MStar))
		}
	}
	f := Fit{Decoder: dec, Count: len(xs)}
	if len(xs) < 2 {
		return f
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(xs))
	var sxx, sxy, syy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	if sxx == 0 {
		return f
	}
	f.Slope = sxy / sxx
	f.Intercept = my - f.Slope*mx
	// Two regressors k and k log2(ratio): solve the 2x2 normal equations.
	var a11, a12, a22, b1, b2 float64
	for _, t := range ths {
		if t.Decoder == dec && !t.Capped && t.MStar <= t.N {
			u, v, w := float64(t.K), t.X, float64(t.MStar)
			a11 += u * u
			a12 += u * v
			a22 += v * v
			b1 += u * w
			b2 += v * w
		}
	}
	if det := a11*a22 - a12*a12; math.Abs(det) > 1e-9*a11*a22 {
		f.PerK = (b1*a22 - b2*a12) / det
		f.PerBit = (a11*b2 - a12*b1) / det
	}
	if syy > 0 {
		f.R2 = sxy * sxy / (sxx * syy)
	}
	return f
}

// Table renders the thresholds and fits.
func (st Study) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %2s %4s %7s %6s %4s %3s %7s %4s %5s %13s %8s %s\n", "decoder", "k", "n", "Lr/δ", "klog2", "|P'|", "q", "|X|", "d", "m*", "95% CI", "bits@m*", "notes")
	for _, t := range st.Thresholds {
		var notes []string
		if t.Capped {
			notes = append(notes, "capped by n/k")
		}
		if !t.ProofRegime {
			notes = append(notes, "δ ≥ R/24")
		}
		ms := fmt.Sprint(t.MStar)
		if t.MStar > t.N {
			ms = fmt.Sprintf(">%d", t.N)
		}
		fmt.Fprintf(&b, "%-10s %2d %4d %7.0f %6.1f %4d %3d %7d %4d %5s %13s %8d %s\n", t.Decoder, t.K, t.N, t.Ratio, t.X, t.Points, t.Q, t.SizeX, t.DBits, ms, fmt.Sprintf("[%d, %d]", t.MLo, t.MHi), t.BitsAtMStar, strings.Join(notes, ", "))
	}
	b.WriteString("\nfit m* = slope * k log2(L r/delta) + intercept over uncapped thresholds:\n")
	for _, f := range st.Fits {
		fmt.Fprintf(&b, "  %-10s slope %.3f  intercept %.2f  R^2 %.3f  (%d points);  m* ~ %.2f k + %.3f k log2(Lr/δ)\n", f.Decoder, f.Slope, f.Intercept, f.R2, f.Count, f.PerK, f.PerBit)
	}
	return b.String()
}

type errXY struct{ xs, ys, lo, hi []float64 }

func (e errXY) Len() int                        { return len(e.xs) }
func (e errXY) XY(i int) (float64, float64)     { return e.xs[i], e.ys[i] }
func (e errXY) YError(i int) (float64, float64) { return e.ys[i] - e.lo[i], e.hi[i] - e.ys[i] }

// Plot draws m* against k log2(L r/delta) with 95% intervals, one colour per
// decoder, filled markers for uncapped and hollow ones for capped
// configurations, and each decoder's fitted line. The format follows the
// extension of path (.png, .svg, .pdf); the file is written atomically.
func (st Study) Plot(path string) error {
	p := plot.New()
	p.Title.Text = "Augmented Indexing threshold: m* vs k log2(L r/δ)"
	p.X.Label.Text = "k log2(L r / δ)"
	p.Y.Label.Text = "m* (success ≥ 2/3, 95% CI)"
	p.Legend.Top = true
	p.Legend.Left = true
	for di, f := range st.Fits {
		col := plotutil.Color(di)
		for _, capped := range []bool{false, true} {
			var e errXY
			for _, t := range st.Thresholds {
				if t.Decoder != f.Decoder || t.Capped != capped {
					continue
				}
				e.xs = append(e.xs, t.X)
				e.ys = append(e.ys, float64(t.MStar))
				e.lo = append(e.lo, float64(min(t.MLo, t.MStar)))
				e.hi = append(e.hi, float64(max(t.MHi, t.MStar)))
			}
			if e.Len() == 0 {
				continue
			}
			sc, err := plotter.NewScatter(e)
			if err != nil {
				return err
			}
			sc.Color = col
			sc.Radius = vg.Points(3.5)
			if capped {
				sc.Shape = draw.RingGlyph{}
			} else {
				sc.Shape = draw.CircleGlyph{}
			}
			bars, err := plotter.NewYErrorBars(e)
			if err != nil {
				return err
			}
			bars.Color = col
			p.Add(sc, bars)
			label := f.Decoder
			if capped {
				label += " (|P'| capped by n/k)"
			}
			p.Legend.Add(label, sc)
		}
		if f.Count >= 2 {
			var lx []float64
			for _, t := range st.Thresholds {
				if t.Decoder == f.Decoder {
					lx = append(lx, t.X)
				}
			}
			lo, hi := lx[0], lx[0]
			for _, x := range lx {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
			line, err := plotter.NewLine(plotter.XYs{{X: lo, Y: f.Slope*lo + f.Intercept}, {X: hi, Y: f.Slope*hi + f.Intercept}})
			if err != nil {
				return err
			}
			line.Color = col
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(line)
			p.Legend.Add(fmt.Sprintf("%s fit: slope %.2f", f.Decoder, f.Slope), line)
		}
	}
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	wt, err := p.WriterTo(7*vg.Inch, 5*vg.Inch, ext)
	if err != nil {
		return fmt.Errorf("threshold plot %s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}
