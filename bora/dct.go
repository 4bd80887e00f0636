package bora

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// DCTMatrix returns the n x n orthonormal DCT-II matrix C:
// C[k][j] = s_k cos(pi (2j+1) k / (2n)), s_0 = sqrt(1/n), s_k = sqrt(2/n).
func DCTMatrix(n int) *mat.Dense {
	c := mat.NewDense(n, n, nil)
	for k := 0; k < n; k++ {
		s := math.Sqrt(2 / float64(n))
		if k == 0 {
			s = math.Sqrt(1 / float64(n))
		}
		for j := 0; j < n; j++ {
			c.Set(k, j, s*math.Cos(math.Pi*float64((2*j+1)*k)/float64(2*n)))
		}
	}
	return c
}

// IDCT2Matrix returns the (rows*cols) x (rows*cols) orthogonal matrix M that
// maps the 2-D DCT-II coefficients Theta of a rows x cols image (both stored
// row-major) back to the image: x = M theta, i.e. X = C_r^T Theta C_c.
// Its transpose computes the 2-D DCT.
func IDCT2Matrix(rows, cols int) *mat.Dense {
	cr, cc := DCTMatrix(rows), DCTMatrix(cols)
	n := rows * cols
	m := mat.NewDense(n, n, nil)
	for r := 0; r < rows; r++ {
		for q := 0; q < cols; q++ {
			row := m.RawRowView(r*cols + q)
			for a := 0; a < rows; a++ {
				ca := cr.At(a, r)
				for b := 0; b < cols; b++ {
					row[a*cols+b] = ca * cc.At(b, q)
				}
			}
		}
	}
	return m
}
