// Package plot draws figures from sweep results with gonum/plot:
// phase-transition diagrams (delta = m/n on x, rho = k/m on y, success
// probability as a heat map, its 50% contour and the Donoho–Tanner l1
// curve), success rate against m with 95% Wilson intervals, and relative
// error against m with 95% confidence bands — one panel per method (phase)
// or one line per method (success, error).
package plot

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/gencs/gencs/experiment"
	"github.com/gencs/gencs/experiment/dt"
	"github.com/gencs/gencs/internal/atomicfile"
)

// Kinds of figure.
const (
	Phase   = "phase"   // phase-transition diagram per method
	Success = "success" // success rate vs m with Wilson intervals
	Error   = "error"   // relative error vs m with confidence bands
)

// Options selects what to draw. The zero value draws the phase diagram of
// every method.
type Options struct {
	// Kind is Phase (default), Success or Error.
	Kind string
	// Methods restricts the figure to these methods (default: all).
	Methods []string
	// Title is the figure's title prefix (default: none).
	Title string
	// PanelWidth and PanelHeight size one panel (default 4.5in x 4in).
	PanelWidth, PanelHeight vg.Length
	// NoTheory hides the Donoho–Tanner curve on phase diagrams.
	NoTheory bool
	// Notes, if non-nil, receives remarks about the data (e.g. which
	// slice of a multi-dimensional sweep is shown).
	Notes func(string)
}

func (o *Options) note(format string, a ...any) {
	if o.Notes != nil {
		o.Notes(fmt.Sprintf(format, a...))
	}
}

// WriteFile draws the figure and writes it atomically to path; the format
// follows the extension (.png, .svg or .pdf).
func WriteFile(path string, recs []experiment.Record, opt *Options) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	switch format {
	case "png", "svg", "pdf":
	default:
		return fmt.Errorf("output %s: unsupported format %q (want .png, .svg or .pdf)", path, filepath.Ext(path))
	}
	// Build the figure first, so that errors leave no file behind.
	fig, err := build(recs, opt)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error { return fig.render(w, format) })
}

// Render draws the figure in format ("png", "svg" or "pdf") to w.
func Render(w io.Writer, format string, recs []experiment.Record, opt *Options) error {
	fig, err := build(recs, opt)
	if err != nil {
		return err
	}
	return fig.render(w, format)
}

type figure struct {
	panels [][]*plot.Plot
	pw, ph vg.Length
}

func (f *figure) render(w io.Writer, format string) error {
	rows, cols := len(f.panels), len(f.panels[0])
	width, height := f.pw*vg.Length(cols), f.ph*vg.Length(rows)
	var c interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch format {
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(110),
			vgimg.UseBackgroundColor(color.White))}
	case "svg":
		c = vgsvg.New(width, height)
	case "pdf":
		c = vgpdf.New(width, height)
	default:
		return fmt.Errorf("unsupported format %q (want png, svg or pdf)", format)
	}
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(f.panels, tiles, dc)
	for i, row := range f.panels {
		for j, p := range row {
			p.Draw(canvases[i][j])
		}
	}
	_, err := c.WriteTo(w)
	return err
}

func build(recs []experiment.Record, o *Options) (*figure, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	if opt.PanelWidth <= 0 {
		opt.PanelWidth = 4.5 * vg.Inch
	}
	if opt.PanelHeight <= 0 {
		opt.PanelHeight = 4 * vg.Inch
	}
	if len(opt.Methods) > 0 {
		var keep []experiment.Record
		for _, r := range recs {
			if slices.Contains(opt.Methods, r.Method) {
				keep = append(keep, r)
			}
		}
		if len(keep) == 0 {
			return nil, fmt.Errorf("no results for method(s) %s", strings.Join(opt.Methods, ", "))
		}
		recs = keep
	}
	if len(recs) == 0 {
		return nil, errors.New("no results to plot")
	}
	rows := experiment.Summarize(recs)
	var panels []*plot.Plot
	var err error
	switch opt.Kind {
	case "", Phase:
		panels, err = phasePanels(rows, &opt)
	case Success, Error:
		panels, err = curvePanels(rows, &opt)
	default:
		return nil, fmt.Errorf("unknown kind %q (want phase, success or error)", opt.Kind)
	}
	if err != nil {
		return nil, err
	}
	cols := int(math.Ceil(math.Sqrt(float64(len(panels)))))
	nrows := (len(panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, nrows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
		for j := range grid[i] {
			if k := i*cols + j; k < len(panels) {
				grid[i][j] = panels[k]
			} else {
				grid[i][j] = emptyPanel()
			}
		}
	}
	return &figure{panels: grid, pw: opt.PanelWidth, ph: opt.PanelHeight}, nil
}

// emptyPanel fills unused tiles (plot.Align needs a full grid).
func emptyPanel() *plot.Plot {
	p := plot.New()
	p.HideAxes()
	return p
}

// slice is the part of a sweep other than (method, m/delta, k/rho):
// n, operator, signal, sigma.
type slice struct {
	n        int
	operator string
	signal   string
	sigma    float64
}

func (s slice) String() string {
	str := fmt.Sprintf("n=%d, %s, %s", s.n, s.operator, s.signal)
	if s.sigma > 0 {
		str += fmt.Sprintf(", sigma=%g", s.sigma)
	}
	return str
}

func sliceOf(r experiment.CellSummary) slice {
	return slice{r.N, r.Operator, r.Signal, r.Sigma}
}

func slicesOf(rows []experiment.CellSummary) []slice {
	seen := map[slice]bool{}
	var out []slice
	for _, r := range rows {
		s := sliceOf(r)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func methodsOf(rows []experiment.CellSummary) []string {
	var out []string
	for _, r := range rows {
		if !slices.Contains(out, r.Method) {
			out = append(out, r.Method)
		}
	}
	sort.Strings(out)
	return out
}

// grid is a success-probability grid over (delta, rho) for plotter.
type grid struct {
	x, y []float64
	z    [][]float64 // z[col][row]; NaN when missing
}

func (g *grid) Dims() (c, r int)   { return len(g.x), len(g.y) }
func (g *grid) Z(c, r int) float64 { return g.z[c][r] }
func (g *grid) X(c int) float64    { return g.x[c] }
func (g *grid) Y(r int) float64    { return g.y[r] }
func (g *grid) Min() float64       { return 0 }
func (g *grid) Max() float64       { return 1 }

// filled returns a copy with NaN replaced by v (for contouring).
func (g *grid) filled() *grid {
	h := &grid{x: g.x, y: g.y, z: make([][]float64, len(g.z))}
	for i, col := range g.z {
		h.z[i] = slices.Clone(col)
		for j, v := range col {
			if math.IsNaN(v) {
				// Nearest defined neighbour in the same column, else 0.
				h.z[i][j] = nearest(col, j)
			}
		}
	}
	return h
}

func nearest(col []float64, j int) float64 {
	for d := 1; d < len(col); d++ {
		for _, k := range []int{j - d, j + d} {
			if k >= 0 && k < len(col) && !math.IsNaN(col[k]) {
				return col[k]
			}
		}
	}
	return 0
}

func phasePanels(rows []experiment.CellSummary, opt *Options) ([]*plot.Plot, error) {
	sl := slicesOf(rows)
	s := sl[0]
	if len(sl) > 1 {
		opt.note("results span %d slices (n, operator, signal, sigma); the phase diagram shows %s", len(sl), s)
	}
	var sub []experiment.CellSummary
	for _, r := range rows {
		if sliceOf(r) == s {
			sub = append(sub, r)
		}
	}
	var xs, ys []float64
	for _, r := range sub {
		if !slices.Contains(xs, r.Delta) {
			xs = append(xs, r.Delta)
		}
		if !slices.Contains(ys, r.Rho) {
			ys = append(ys, r.Rho)
		}
	}
	slices.Sort(xs)
	slices.Sort(ys)
	if len(xs) < 2 || len(ys) < 2 {
		return nil, fmt.Errorf("phase diagram needs at least 2 delta and 2 rho values, have %d x %d (try --kind success)", len(xs), len(ys))
	}
	cmap := moreland.ExtendedBlackBody()
	cmap.SetMin(0)
	cmap.SetMax(1)
	pal := cmap.Palette(128)
	var panels []*plot.Plot
	for _, m := range methodsOf(sub) {
		g := &grid{x: xs, y: ys, z: make([][]float64, len(xs))}
		for i := range g.z {
			g.z[i] = make([]float64, len(ys))
			for j := range g.z[i] {
				g.z[i][j] = math.NaN()
			}
		}
		for _, r := range sub {
			if r.Method == m {
				g.z[slices.Index(xs, r.Delta)][slices.Index(ys, r.Rho)] = r.SuccessRate
			}
		}
		p := plot.New()
		p.Title.Text = strings.TrimSpace(fmt.Sprintf("%s %s (%s)", opt.Title, m, s))
		p.X.Label.Text = "delta = m/n"
		p.Y.Label.Text = "rho = k/m"
		hm := plotter.NewHeatMap(g, pal)
		hm.NaN = color.RGBA{200, 200, 200, 255}
		p.Add(hm)
		ct := plotter.NewContour(g.filled(), []float64{0.5}, singleColor{color.RGBA{0, 160, 255, 255}})
		ct.LineStyles = []draw.LineStyle{{Color: color.RGBA{0, 160, 255, 255}, Width: vg.Points(2.5)}}
		p.Add(ct)
		if !opt.NoTheory {
			lo := math.Max(1e-3, xs[0]-(xs[1]-xs[0])/2)
			hi := math.Min(1, xs[len(xs)-1]+(xs[len(xs)-1]-xs[len(xs)-2])/2)
			d, r := dt.Curve(lo, hi, 200, true)
			pts := make(plotter.XYs, len(d))
			for i := range d {
				pts[i] = plotter.XY{X: d[i], Y: r[i]}
			}
			ln, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			ln.Color = color.RGBA{0, 220, 80, 255}
			ln.Width = vg.Points(2)
			ln.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			p.Add(ln)
		}
		p.X.Min, p.X.Max = xs[0]-(xs[1]-xs[0])/2, xs[len(xs)-1]+(xs[len(xs)-1]-xs[len(xs)-2])/2
		p.Y.Min, p.Y.Max = ys[0]-(ys[1]-ys[0])/2, ys[len(ys)-1]+(ys[len(ys)-1]-ys[len(ys)-2])/2
		panels = append(panels, p)
	}
	return append(panels, phaseLegend(cmap, !opt.NoTheory)), nil
}

// phaseLegend is a panel holding the legend shared by the phase diagrams.
func phaseLegend(cmap palette.ColorMap, theory bool) *plot.Plot {
	p := plot.New()
	p.HideAxes()
	p.Title.Text = "legend"
	p.Legend.Add("measured 50% success (contour)", legendLine(color.RGBA{0, 160, 255, 255}, nil))
	if theory {
		p.Legend.Add("Donoho-Tanner l1 weak threshold (theory, n -> inf)",
			legendLine(color.RGBA{0, 220, 80, 255}, []vg.Length{vg.Points(6), vg.Points(3)}))
	}
	for _, v := range []float64{1, 0.75, 0.5, 0.25, 0} {
		c, _ := cmap.At(v)
		p.Legend.Add(fmt.Sprintf("success probability %g", v), swatch{c})
	}
	p.Legend.Add("no data", swatch{color.RGBA{200, 200, 200, 255}})
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.TextStyle.Font.Size = vg.Points(11)
	p.Legend.ThumbnailWidth = vg.Points(28)
	return p
}

// singleColor is a one-colour palette for the contour.
type singleColor struct{ c color.Color }

func (s singleColor) Colors() []color.Color { return []color.Color{s.c} }

// swatch is a filled-square legend thumbnail.
type swatch struct{ c color.Color }

func (s swatch) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y},
	}
	c.FillPolygon(s.c, pts)
	c.StrokeLines(draw.LineStyle{Color: color.Gray{120}, Width: vg.Points(0.5)}, append(pts, pts[0]))
}

type thumb struct {
	ls draw.LineStyle
}

func (t thumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(t.ls, c.Min.X, y, c.Max.X, y)
}

func legendLine(col color.Color, dashes []vg.Length) plot.Thumbnailer {
	return thumb{draw.LineStyle{Color: col, Width: vg.Points(2.5), Dashes: dashes}}
}

// curveKey groups the cells of a success/error panel: the slice and the
// fixed sparsity (k, or rho when k scales with m).
type curveKey struct {
	slice
	byRho bool
	k     int
	rho   float64
}

func (c curveKey) String() string {
	if c.byRho {
		return fmt.Sprintf("%s, rho=%g", c.slice, c.rho)
	}
	return fmt.Sprintf("%s, k=%d", c.slice, c.k)
}

// byRho reports whether the sweep varied m at fixed rho (k scaling with m)
// rather than at fixed k: whichever grouping puts more distinct m values in
// a group.
func byRho(rows []experiment.CellSummary) bool {
	count := func(key func(experiment.CellSummary) string) float64 {
		ms := map[string]map[int]bool{}
		for _, r := range rows {
			k := key(r)
			if ms[k] == nil {
				ms[k] = map[int]bool{}
			}
			ms[k][r.M] = true
		}
		tot := 0
		for _, s := range ms {
			tot += len(s)
		}
		return float64(tot) / float64(len(ms))
	}
	kk := count(func(r experiment.CellSummary) string { return fmt.Sprint(sliceOf(r), r.K) })
	rr := count(func(r experiment.CellSummary) string { return fmt.Sprint(sliceOf(r), r.Rho) })
	return rr > kk
}

const maxPanels = 16

func curvePanels(rows []experiment.CellSummary, opt *Options) ([]*plot.Plot, error) {
	rhoGroups := byRho(rows)
	keyOf := func(r experiment.CellSummary) curveKey {
		c := curveKey{slice: sliceOf(r), byRho: rhoGroups}
		if rhoGroups {
			c.rho = r.Rho
		} else {
			c.k = r.K
		}
		return c
	}
	var keys []curveKey
	groups := map[curveKey][]experiment.CellSummary{}
	for _, r := range rows {
		k := keyOf(r)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], r)
	}
	slices.SortStableFunc(keys, func(a, b curveKey) int {
		return cmp.Or(cmp.Compare(a.n, b.n), cmp.Compare(a.operator, b.operator), cmp.Compare(a.signal, b.signal),
			cmp.Compare(a.sigma, b.sigma), cmp.Compare(a.k, b.k), cmp.Compare(a.rho, b.rho))
	})
	if len(keys) > maxPanels {
		opt.note("%d panels; drawing the first %d (filter with --method or a smaller sweep)", len(keys), maxPanels)
		keys = keys[:maxPanels]
	}
	methods := methodsOf(rows)
	var panels []*plot.Plot
	for _, key := range keys {
		p, err := curvePanel(key, groups[key], methods, opt)
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	if len(methods) > 1 {
		panels = append(panels, curveLegend(methods, opt.Kind))
	}
	return panels, nil
}

// curveLegend is a panel naming the methods' colours and markers.
func curveLegend(methods []string, kind string) *plot.Plot {
	p := plot.New()
	p.HideAxes()
	p.Title.Text = "legend"
	for i, m := range methods {
		ln := &plotter.Line{LineStyle: draw.LineStyle{Color: plotutil.Color(i), Width: vg.Points(1.5)}}
		sc := &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: plotutil.Color(i), Shape: plotutil.Shape(i), Radius: vg.Points(3)}}
		p.Legend.Add(m, ln, sc)
	}
	if kind == Success {
		p.Legend.Add("bars: 95% Wilson interval", legendLine(color.Gray{100}, nil))
	} else {
		p.Legend.Add("bands: 95% CI of mean log10 error", swatch{color.NRGBA{100, 100, 100, 60}})
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.TextStyle.Font.Size = vg.Points(11)
	p.Legend.ThumbnailWidth = vg.Points(28)
	return p
}

// decadeTicks marks powers of ten on a log axis, labelling at most about
// six of them ("1e-08", "0.01", "1", ...).
type decadeTicks struct{}

func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return plot.LogTicks{}.Ticks(math.Max(lo, 1e-300), math.Max(hi, 1e-299))
	}
	a, b := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	step := max(1, (b-a+5)/6)
	var ts []plot.Tick
	for e := a; e <= b; e++ {
		v := math.Pow(10, float64(e))
		if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
			continue
		}
		t := plot.Tick{Value: v}
		if e%step == 0 {
			switch {
			case e >= -2 && e <= 3:
				t.Label = strconv.FormatFloat(v, 'f', max(0, -e), 64)
			default:
				t.Label = fmt.Sprintf("1e%d", e)
			}
		}
		ts = append(ts, t)
	}
	labelled := 0
	for _, t := range ts {
		if t.Label != "" {
			labelled++
		}
	}
	if labelled < 2 {
		// Less than a decade: ordinary ticks read better.
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	return ts
}

// intTicks labels the m axis with integers.
type intTicks struct{}

func (intTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = fmt.Sprintf("%.0f", ts[i].Value)
		}
	}
	return ts
}

// pointsErr are points with asymmetric y errors (absolute bounds).
type pointsErr struct {
	plotter.XYs
	lo, hi []float64
}

func (p pointsErr) YError(i int) (float64, float64) {
	return p.XYs[i].Y - p.lo[i], p.hi[i] - p.XYs[i].Y
}

func curvePanel(key curveKey, rows []experiment.CellSummary, methods []string, opt *Options) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = strings.TrimSpace(opt.Title + " " + key.String())
	p.X.Label.Text = "m (measurements)"
	p.X.Tick.Marker = intTicks{}
	// Shift each method's points a little along m so error bars do not
	// hide each other.
	mlo, mhi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		mlo, mhi = math.Min(mlo, float64(r.M)), math.Max(mhi, float64(r.M))
	}
	dodge := 0.01 * math.Max(mhi-mlo, 1)
	if opt.Kind == Success {
		p.Y.Label.Text = "success rate (95% Wilson interval)"
		p.Y.Min, p.Y.Max = 0, 1.02
	} else {
		// gonum/plot places the y label's glyph box at the linear midpoint
		// of the axis, which on a log axis squeezes the panel: keep the
		// description in the title instead.
		p.Title.Text = strings.TrimSpace(opt.Title + " relative error: " + key.String())
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = decadeTicks{}
	}
	for i, m := range methods {
		var pts []experiment.CellSummary
		for _, r := range rows {
			if r.Method == m {
				pts = append(pts, r)
			}
		}
		sort.Slice(pts, func(a, b int) bool { return pts[a].M < pts[b].M })
		col := plotutil.Color(i)
		xy := make(plotter.XYs, 0, len(pts))
		var lo, hi []float64
		for _, r := range pts {
			if opt.Kind == Success {
				xy = append(xy, plotter.XY{X: float64(r.M) + dodge*(float64(i)-float64(len(methods)-1)/2), Y: r.SuccessRate})
				lo, hi = append(lo, r.WilsonLo), append(hi, r.WilsonHi)
				continue
			}
			mu, se := float64(r.LogErrMean), float64(r.LogErrSE)
			if math.IsNaN(mu) {
				continue // no finite error in this cell
			}
			// Clamped so that huge errors or intervals stay drawable on the
			// log axis (10^mu may overflow for errors near 1e308).
			clamp := func(v float64) float64 { return math.Min(math.Max(v, 1e-300), 1e300) }
			if math.IsNaN(se) {
				se = 0
			}
			xy = append(xy, plotter.XY{X: float64(r.M), Y: clamp(math.Pow(10, mu))})
			lo, hi = append(lo, clamp(math.Pow(10, mu-1.96*se))), append(hi, clamp(math.Pow(10, mu+1.96*se)))
		}
		if len(xy) == 0 {
			continue
		}
		ln, sc, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		ln.Color, sc.Color = col, col
		ln.Width = vg.Points(1.5)
		sc.Shape = plotutil.Shape(i)
		if opt.Kind == Success {
			eb, err := plotter.NewYErrorBars(pointsErr{xy, lo, hi})
			if err != nil {
				return nil, err
			}
			eb.Color = col
			p.Add(eb)
		} else {
			band := make(plotter.XYs, 0, 2*len(xy))
			for j := range xy {
				band = append(band, plotter.XY{X: xy[j].X, Y: hi[j]})
			}
			for j := len(xy) - 1; j >= 0; j-- {
				band = append(band, plotter.XY{X: xy[j].X, Y: lo[j]})
			}
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return nil, err
			}
			r, g, b, _ := col.RGBA()
			poly.Color = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 60}
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		p.Add(ln, sc)
		if len(methods) == 1 {
			p.Legend.Add(m, ln, sc)
		}
	}
	if opt.Kind != Success {
		// A log axis needs 0 < min < max: gonum widens an empty range by
		// ±1, which would cross 0 and panic (one cell, equal errors, or no
		// finite error at all).
		lo, hi := p.Y.Min, p.Y.Max
		switch {
		case lo > 0 && hi > lo && !math.IsInf(hi, 0):
		case lo > 0 && lo == hi && !math.IsInf(hi, 0):
			p.Y.Min, p.Y.Max = lo/10, hi*10
		default:
			p.Y.Min, p.Y.Max = 1e-16, 1
		}
	}
	return p, nil
}
