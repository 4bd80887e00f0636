package demo

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/gencs/gencs/internal/atomicfile"
)

// WritePlot draws one panel per solver with the true signal (circles) and
// the estimate (crosses) against the coordinate index, and writes it as PNG
// or SVG according to the file extension.
func (r *Report) WritePlot(path string) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".png" && ext != ".svg" {
		return fmt.Errorf("figure %s: want a .png or .svg file name", path)
	}
	var plots []*plot.Plot
	for _, row := range r.Rows {
		p, err := r.panel(row)
		if err != nil {
			return err
		}
		plots = append(plots, p)
	}
	if len(plots) == 0 {
		return fmt.Errorf("figure %s: no solver results to draw", path)
	}
	cols := 2
	if len(plots) == 1 {
		cols = 1
	}
	rows := (len(plots) + cols - 1) / cols
	w, h := vg.Length(cols)*5*vg.Inch, vg.Length(rows)*2.6*vg.Inch
	var c vg.CanvasWriterTo
	if ext == ".png" {
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(120))}
	} else {
		c = vgsvg.New(w, h)
	}
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
		for j := range grid[i] {
			if k := i*cols + j; k < len(plots) {
				grid[i][j] = plots[k]
			}
		}
	}
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter, PadY: vg.Millimeter,
		PadTop: vg.Millimeter, PadBottom: vg.Millimeter, PadLeft: vg.Millimeter, PadRight: vg.Millimeter}
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := c.WriteTo(w)
		return err
	})
}

func (r *Report) panel(row Row) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text = "index"
	if row.Err != "" {
		p.Title.Text = fmt.Sprintf("%s: %s", row.Method, row.Err)
	} else {
		p.Title.Text = fmt.Sprintf("%s: relative error %.2e, support %d/%d", row.Method, row.RelErr, row.SupportFound, r.K)
	}
	// The estimate leaves out off-support entries below 1e-3 of the signal's
	// peak: they would hide the picture without changing the error.
	var peak float64
	for _, v := range r.X {
		peak = math.Max(peak, math.Abs(v))
	}
	series := []struct {
		name  string
		v     []float64
		keep  func(i int, v float64) bool
		shape draw.GlyphDrawer
		size  vg.Length
		color color.Color
	}{
		{"true x", r.X, func(_ int, v float64) bool { return v != 0 },
			draw.CircleGlyph{}, 3.5, color.RGBA{R: 30, G: 90, B: 200, A: 255}},
		{"estimate", row.estimate, func(i int, v float64) bool { return math.Abs(v) > 1e-3*peak || r.X[i] != 0 },
			draw.CrossGlyph{}, 3, color.RGBA{R: 210, G: 50, B: 30, A: 255}},
	}
	for _, sr := range series {
		if sr.v == nil {
			continue
		}
		xys := make(plotter.XYs, 0, r.K)
		for i, v := range sr.v {
			if sr.keep(i, v) {
				xys = append(xys, plotter.XY{X: float64(i), Y: v})
			}
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Shape = sr.shape
		sc.GlyphStyle.Radius = vg.Points(float64(sr.size))
		sc.GlyphStyle.Color = sr.color
		p.Add(sc)
		p.Legend.Add(sr.name, sc)
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = true
	p.X.Min, p.X.Max = 0, float64(r.N)
	return p, nil
}
