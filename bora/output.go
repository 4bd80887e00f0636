package bora

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/gencs/gencs/internal/atomicfile"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// shortLabel names each method in image grids.
var shortLabel = map[string]string{
	MethodCSGM:      "CSGM",
	MethodSparseGen: "Sparse-Gen",
	MethodLasso:     "Lasso",
	MethodLassoDCT:  "Lasso (DCT)",
	MethodOMP:       "OMP",
}

// methodLabel is the legend text of each method.
var methodLabel = map[string]string{
	MethodCSGM:      "CSGM (VAE)",
	MethodSparseGen: "Sparse-Gen (VAE + sparse)",
	MethodLasso:     "Lasso (pixels)",
	MethodLassoDCT:  "Lasso (2-D DCT)",
	MethodOMP:       "OMP (pixels)",
}

type errPoints struct {
	xs, ys, lo, hi []float64
}

func (e errPoints) Len() int                        { return len(e.xs) }
func (e errPoints) XY(i int) (float64, float64)     { return e.xs[i], e.ys[i] }
func (e errPoints) YError(i int) (float64, float64) { return e.ys[i] - e.lo[i], e.hi[i] - e.ys[i] }

// Figure draws mean per-pixel squared error against the number of
// measurements, one line per method with 95% error bars, on a log error
// axis. The format follows path's extension (.png, .svg, .pdf); the file is
// written atomically.
func (r *Results) Figure(path, title string) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "number of measurements m"
	p.Y.Label.Text = "per-pixel squared error (95% CI)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = false // errors are high at small m: the bottom left is free
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(50)
	p.Legend.YOffs = vg.Points(10)
	for k, me := range r.Methods {
		var e errPoints
		for _, m := range r.Ms {
			c := r.Cell(me, m)
			if c == nil {
				continue
			}
			lo := c.Lo
			if lo <= 0 {
				lo = c.Mean / 10 // keep the bar on the log axis
			}
			e.xs = append(e.xs, float64(m))
			e.ys = append(e.ys, c.Mean)
			e.lo = append(e.lo, lo)
			e.hi = append(e.hi, c.Hi)
		}
		if e.Len() == 0 {
			continue
		}
		line, pts, err := plotter.NewLinePoints(e)
		if err != nil {
			return err
		}
		col := plotutil.Color(k)
		line.Color = col
		line.Width = vg.Points(1.5)
		pts.Color = col
		pts.Shape = plotutil.Shape(k)
		bars, err := plotter.NewYErrorBars(e)
		if err != nil {
			return err
		}
		bars.Color = col
		p.Add(line, pts, bars)
		p.Legend.Add(methodLabel[me], line, pts)
	}
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	wt, err := p.WriterTo(7*vg.Inch, 4.5*vg.Inch, ext)
	if err != nil {
		return fmt.Errorf("figure %s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

// Grid lays out images as a labelled grid: one row per entry of rows (each
// a matrix whose rows are images of size h x w with values in [0, 1]),
// pixels enlarged scale times.
func Grid(labels []string, rows []*mat.Dense, h, w, scale int) *image.RGBA {
	const gap, labelW = 2, 150
	ncol := 0
	for _, r := range rows {
		n, _ := r.Dims()
		ncol = max(ncol, n)
	}
	cw, ch := w*scale+gap, h*scale+gap
	img := image.NewRGBA(image.Rect(0, 0, labelW+ncol*cw+gap, len(rows)*ch+gap))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	face := basicfont.Face7x13
	for ri, r := range rows {
		y0 := gap + ri*ch
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face,
			Dot: fixed.P(4, y0+ch/2+4)}
		d.DrawString(labels[ri])
		n, _ := r.Dims()
		for ci := 0; ci < n; ci++ {
			px := r.RawRowView(ci)
			x0 := labelW + gap + ci*cw
			for i := 0; i < h; i++ {
				for j := 0; j < w; j++ {
					v := px[i*w+j]
					if math.IsNaN(v) {
						v = 0
					}
					g := uint8(math.Round(255 * math.Min(1, math.Max(0, v))))
					c := color.RGBA{g, g, g, 255}
					for a := 0; a < scale; a++ {
						for b := 0; b < scale; b++ {
							img.SetRGBA(x0+j*scale+b, y0+i*scale+a, c)
						}
					}
				}
			}
		}
	}
	return img
}

// WriteGrid writes, for the measurement count Ms[mi], a PNG grid with the
// original images in the first row and each method's reconstructions below
// (as Figure 1 of Bora et al.).
func (r *Results) WriteGrid(path string, mi int) error {
	labels := []string{"original"}
	rows := []*mat.Dense{r.Originals}
	for _, me := range r.Methods {
		if est := r.Estimates[me]; est != nil && est[mi] != nil {
			labels = append(labels, shortLabel[me])
			rows = append(rows, est[mi])
		}
	}
	labels[0] = fmt.Sprintf("original (m=%d)", r.Ms[mi])
	img := Grid(labels, rows, r.Rows, r.Cols, 2)
	return atomicfile.Write(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// WriteTable writes the ratio table as aligned text.
func WriteTable(w io.Writer, rows []RatioRow, methods []string) {
	fmt.Fprintf(w, "%-12s", "target error")
	for _, me := range methods {
		fmt.Fprintf(w, " %11s", me)
	}
	fmt.Fprintf(w, " %13s %17s\n", "lasso/csgm", "lasso-dct/csgm")
	for _, r := range rows {
		fmt.Fprintf(w, "%-12.4g", r.Target)
		for _, me := range methods {
			if v, ok := r.Needed[me]; ok {
				fmt.Fprintf(w, " %11.0f", v)
			} else {
				fmt.Fprintf(w, " %11s", ">max")
			}
		}
		f := func(x float64) string {
			if x == 0 {
				return "-"
			}
			return fmt.Sprintf("%.1fx", x)
		}
		fmt.Fprintf(w, " %13s %17s\n", f(r.Ratio), f(r.RatioDCT))
	}
}
