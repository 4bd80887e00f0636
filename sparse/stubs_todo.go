package sparse

import (
	"errors"

	"github.com/gencs/gencs/linop"
)

// Temporary stubs: the sparse helper replaces each with a real solver in its own file.
var errTODO = errors.New("not implemented")

// OMP is orthogonal matching pursuit.
func OMP(A linop.Operator, y []float64, opt *Options) (Result, error) { return Result{}, errTODO }

// CoSaMP is compressive sampling matching pursuit.
func CoSaMP(A linop.Operator, y []float64, opt *Options) (Result, error) { return Result{}, errTODO }

// IHT is normalised iterative hard thresholding.
func IHT(A linop.Operator, y []float64, opt *Options) (Result, error) { return Result{}, errTODO }

// FISTA solves the Lasso.
func FISTA(A linop.Operator, y []float64, opt *Options) (Result, error) { return Result{}, errTODO }

// BasisPursuit solves min ||x||_1 s.t. Ax = y.
func BasisPursuit(A linop.Operator, y []float64, opt *Options) (Result, error) {
	return Result{}, errTODO
}

// AMP is approximate message passing with soft thresholding.
func AMP(A linop.Operator, y []float64, opt *Options) (Result, error) { return Result{}, errTODO }
