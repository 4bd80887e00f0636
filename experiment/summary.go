package experiment

import (
	"cmp"
	"math"
	"slices"
	"sort"

	"github.com/gencs/gencs/experiment/dt"
)

// Wilson returns the Wilson score interval for a binomial proportion with
// the given successes out of n trials at normal quantile z (1.96 for 95%).
// For n == 0 it returns [0, 1].
func Wilson(successes, n int, z float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	nf := float64(n)
	p := float64(successes) / nf
	z2 := z * z
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return math.Max(0, center-half), math.Min(1, center+half)
}

// CellSummary aggregates the trials of one (cell, method).
type CellSummary struct {
	CellParams
	Method string `json:"method"`
	// Trials and Successes count result lines; Errors counts lines whose
	// method failed (status "error"; they count as failures).
	Trials    int `json:"trials"`
	Successes int `json:"successes"`
	Errors    int `json:"errors"`
	// SuccessRate is Successes/Trials with its 95% Wilson interval.
	SuccessRate float64 `json:"success_rate"`
	WilsonLo    float64 `json:"wilson_lo"`
	WilsonHi    float64 `json:"wilson_hi"`
	// MedianRelErr is the median relative error (non-finite errors count
	// as +Inf; null in JSON when the median is not finite).
	MedianRelErr JSONFloat `json:"median_rel_err"`
	// LogErrMean and LogErrSE are the mean and standard error of
	// log10(max(rel_err, 1e-16)) over trials with finite error (for
	// confidence bands on error plots).
	LogErrMean JSONFloat `json:"log10_err_mean"`
	LogErrSE   JSONFloat `json:"log10_err_se"`
	// MeanTimeS is the mean method time in seconds.
	MeanTimeS float64 `json:"mean_time_s"`
}

// Summarize aggregates records per (cell, method), ordered by n,
// operator, signal, sigma, m, k, delta, rho and method.
func Summarize(recs []Record) []CellSummary {
	groups := map[string][]int{}
	var order []string
	for i := range recs {
		k := recs[i].CellKey()
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	out := make([]CellSummary, 0, len(order))
	for _, k := range order {
		idx := groups[k]
		r0 := recs[idx[0]]
		cs := CellSummary{CellParams: r0.CellParams, Method: r0.Method}
		errs := make([]float64, 0, len(idx))
		var logs []float64
		t := 0.0
		for _, i := range idx {
			r := recs[i]
			cs.Trials++
			if r.Success {
				cs.Successes++
			}
			if r.Status == "error" {
				cs.Errors++
			}
			e := float64(r.RelErr)
			if math.IsNaN(e) || math.IsInf(e, 0) {
				e = math.Inf(1)
			} else {
				logs = append(logs, math.Log10(math.Max(e, 1e-16)))
			}
			errs = append(errs, e)
			t += r.TimeS
		}
		cs.SuccessRate = float64(cs.Successes) / float64(cs.Trials)
		cs.WilsonLo, cs.WilsonHi = Wilson(cs.Successes, cs.Trials, 1.96)
		cs.MedianRelErr = JSONFloat(median(errs))
		cs.LogErrMean, cs.LogErrSE = JSONFloat(math.NaN()), JSONFloat(math.NaN())
		if len(logs) > 0 {
			mu, se := meanSE(logs)
			cs.LogErrMean, cs.LogErrSE = JSONFloat(mu), JSONFloat(se)
		}
		cs.MeanTimeS = t / float64(cs.Trials)
		out = append(out, cs)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return cmp.Or(
			cmp.Compare(a.N, b.N),
			cmp.Compare(a.Operator, b.Operator),
			cmp.Compare(a.Signal, b.Signal),
			cmp.Compare(a.Sigma, b.Sigma),
			cmp.Compare(a.M, b.M),
			cmp.Compare(a.K, b.K),
			cmp.Compare(a.Delta, b.Delta),
			cmp.Compare(a.Rho, b.Rho),
			cmp.Compare(a.Method, b.Method),
		) < 0
	})
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	a, b := s[n/2-1], s[n/2]
	if math.IsInf(a, 1) || math.IsInf(b, 1) {
		return math.Max(a, b)
	}
	return (a + b) / 2
}

// meanSE returns the mean and the standard error of the mean (0 for one
// value).
func meanSE(v []float64) (float64, float64) {
	mu := 0.0
	for _, x := range v {
		mu += x
	}
	mu /= float64(len(v))
	if len(v) < 2 {
		return mu, 0
	}
	ss := 0.0
	for _, x := range v {
		ss += (x - mu) * (x - mu)
	}
	return mu, math.Sqrt(ss / float64(len(v)-1) / float64(len(v)))
}

// TransitionPoint is the measured 50% success point of one method at one
// delta = m/n, next to the Donoho–Tanner l1 weak threshold.
type TransitionPoint struct {
	N        int     `json:"n"`
	Operator string  `json:"operator"`
	Signal   string  `json:"signal"`
	Sigma    float64 `json:"sigma"`
	Method   string  `json:"method"`
	Delta    float64 `json:"delta"`
	// Rho50 is the rho = k/m at which the success rate falls through 50%,
	// linearly interpolated between grid values at the highest such
	// crossing; null (NaN) when the success rate never crosses 50% on the
	// grid (see Note).
	Rho50 JSONFloat `json:"rho50"`
	// Theory is dt.Weak(delta, true), the asymptotic l1 transition; null
	// (NaN) when delta is outside (0, 1].
	Theory JSONFloat `json:"theory"`
	// Note is "all >= 50%" or "all < 50%" when there is no crossing.
	Note string `json:"note,omitempty"`
}

// Transitions locates the measured 50% success line of every method on
// every delta column of a (delta, rho) sweep.
func Transitions(rows []CellSummary) []TransitionPoint {
	type col struct {
		n             int
		op, sig, meth string
		sigma, delta  float64
	}
	cols := map[col][]CellSummary{}
	var order []col
	for _, r := range rows {
		c := col{r.N, r.Operator, r.Signal, r.Method, r.Sigma, r.Delta}
		if _, ok := cols[c]; !ok {
			order = append(order, c)
		}
		cols[c] = append(cols[c], r)
	}
	var out []TransitionPoint
	for _, c := range order {
		cs := cols[c]
		sort.Slice(cs, func(i, j int) bool { return cs[i].Rho < cs[j].Rho })
		tp := TransitionPoint{N: c.n, Operator: c.op, Signal: c.sig, Sigma: c.sigma, Method: c.meth,
			Delta: c.delta, Rho50: JSONFloat(math.NaN()), Theory: JSONFloat(dt.Weak(c.delta, true))}
		found := false
		for i := len(cs) - 2; i >= 0; i-- {
			a, b := cs[i], cs[i+1]
			if a.SuccessRate >= 0.5 && b.SuccessRate < 0.5 {
				f := (a.SuccessRate - 0.5) / (a.SuccessRate - b.SuccessRate)
				tp.Rho50 = JSONFloat(a.Rho + f*(b.Rho-a.Rho))
				found = true
				break
			}
		}
		if !found {
			tp.Note = "all < 50%"
			if cs[len(cs)-1].SuccessRate >= 0.5 {
				tp.Note = "all >= 50%"
			}
		}
		out = append(out, tp)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return cmp.Or(cmp.Compare(a.N, b.N), cmp.Compare(a.Operator, b.Operator), cmp.Compare(a.Signal, b.Signal),
			cmp.Compare(a.Sigma, b.Sigma), cmp.Compare(a.Method, b.Method), cmp.Compare(a.Delta, b.Delta)) < 0
	})
	return out
}
