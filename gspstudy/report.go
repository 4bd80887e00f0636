package gspstudy

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// WriteTable prints success rates (one row per (n, k, m), one column per
// method), the restart success of CSGM, and the 50% crossings.
func (r *Result) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "n\tk\tm\t")
	for _, m := range AllMethods {
		fmt.Fprintf(tw, "%s\t", m)
	}
	fmt.Fprint(tw, "csgm restart ok\tcsgm wrong supp\t\n")
	type key struct{ n, k, m int }
	cells := map[key]map[string]Cell{}
	var order []key
	for _, c := range r.Cells {
		kk := key{c.N, c.K, c.M}
		if cells[kk] == nil {
			cells[kk] = map[string]Cell{}
			order = append(order, kk)
		}
		cells[kk][c.Method] = c
	}
	for _, kk := range order {
		fmt.Fprintf(tw, "%d\t%d\t%d\t", kk.n, kk.k, kk.m)
		for _, m := range AllMethods {
			if c, ok := cells[kk][m]; ok {
				fmt.Fprintf(tw, "%.2f\t", c.Success)
			} else {
				fmt.Fprint(tw, "-\t")
			}
		}
		c := cells[kk][MethodCSGM]
		fmt.Fprintf(tw, "%.2f\t%.2f\t\n", c.RestartSuccess, c.WrongSupport)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nm at 50%% success (linear interpolation) vs k ln n:\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "n\tk\tk ln n\t")
	for _, m := range AllMethods {
		fmt.Fprintf(tw, "%s\t", m)
	}
	fmt.Fprint(tw, "\n")
	for i := 0; i < len(r.Summary); {
		s := r.Summary[i]
		fmt.Fprintf(tw, "%d\t%d\t%.1f\t", s.N, s.K, s.KLogN)
		by := map[string]Float{}
		for ; i < len(r.Summary) && r.Summary[i].N == s.N && r.Summary[i].K == s.K; i++ {
			by[r.Summary[i].Method] = r.Summary[i].M50
		}
		for _, m := range AllMethods {
			v, ok := by[m]
			switch {
			case !ok:
				fmt.Fprint(tw, "-\t")
			case math.IsNaN(float64(v)):
				fmt.Fprint(tw, ">max\t")
			default:
				fmt.Fprintf(tw, "%.1f\t", v)
			}
		}
		fmt.Fprint(tw, "\n")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Landscape) > 0 {
		fmt.Fprintf(w, "\nCSGM landscape at m = n: fraction of single random restarts reaching the global minimum\n")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "n\tk\tinstances x restarts\tmeasured\tk!/(2(n+1))^k\trestarts for 50%\t\n")
		for _, l := range r.Landscape {
			fmt.Fprintf(tw, "%d\t%d\t%d x %d\t%.4f\t%.4f\t%.0f\t\n", l.N, l.K, l.Instances, l.Restarts, l.RestartSuccess, l.Theory, l.RestartsFor50)
		}
		return tw.Flush()
	}
	return nil
}

var methodColors = map[string]color.RGBA{
	MethodCSGM:      {R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	MethodCSGMSmart: {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	MethodCSGMSwap:  {R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	MethodLasso:     {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	MethodOMP:       {R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	MethodExact:     {R: 0x44, G: 0x44, B: 0x44, A: 0xff},
}

// WritePNG draws success vs m, one panel per (n, k), with a dashed
// vertical line at k ln n.
func (r *Result) WritePNG(w io.Writer) error {
	var panels []*plot.Plot
	for _, s := range r.Config.Sizes {
		n, k := s[0], s[1]
		p := plot.New()
		p.Title.Text = fmt.Sprintf("k-sparse recovery, n=%d, k=%d", n, k)
		p.X.Label.Text = "measurements m"
		p.Y.Label.Text = "success rate"
		p.Y.Min, p.Y.Max = 0, 1.02
		p.Legend.Top = false
		p.Legend.Left = false
		p.Add(plotter.NewGrid())
		for mi, method := range AllMethods {
			var pts plotter.XYs
			for _, c := range r.Cells {
				if c.N == n && c.K == k && c.Method == method {
					pts = append(pts, plotter.XY{X: float64(c.M), Y: c.Success})
				}
			}
			if len(pts) == 0 {
				continue
			}
			l, sc, err := plotter.NewLinePoints(pts)
			if err != nil {
				return err
			}
			l.Color = methodColors[method]
			l.Width = vg.Points(1.5)
			sc.Color = methodColors[method]
			sc.Shape = draw.CircleGlyph{}
			if method == MethodExact {
				l.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
			}
			_ = mi
			p.Add(l, sc)
			p.Legend.Add(method, l, sc)
		}
		kl := float64(k) * math.Log(float64(n))
		v, err := plotter.NewLine(plotter.XYs{{X: kl, Y: 0}, {X: kl, Y: 1}})
		if err != nil {
			return err
		}
		v.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		v.Color = color.RGBA{A: 0xff}
		p.Add(v)
		p.Legend.Add("k ln n", v)
		panels = append(panels, p)
	}
	pw, ph := 5*vg.Inch, 4*vg.Inch
	c := vgimg.NewWith(vgimg.UseWH(pw*vg.Length(len(panels)), ph), vgimg.UseDPI(110), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: 1, Cols: len(panels), PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canv := plot.Align([][]*plot.Plot{panels}, tiles, dc)
	for j, p := range panels {
		p.Draw(canv[0][j])
	}
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}
