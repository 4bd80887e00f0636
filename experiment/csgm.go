package experiment

import (
	"errors"

	"github.com/gencs/gencs/genrec"
)

func init() {
	RegisterMethod("csgm", csgmMethod)
}

// csgmMethod is CSGM (Bora et al. 2017) through the signal's generator: it
// needs a "model:<path>" signal model. Restarts run on one goroutine, since
// the sweep already keeps every core busy (the result does not depend on
// it). Options: restarts (0: 10), lr (0: 0.01), max_iter steps per restart
// (0: 1000), lambda the z-prior weight (0: none).
func csgmMethod(p *Problem) (Outcome, error) {
	if p.Model == nil {
		return Outcome{}, errors.New(`csgm needs a generator: set signal.model to "model:<path to model.json>"`)
	}
	res, err := genrec.CSGM(p.Model, p.A, p.Y, &genrec.Options{
		LR:        p.Options.LR,
		Iters:     p.Options.MaxIter,
		Restarts:  p.Options.Restarts,
		Lambda:    p.Options.Lambda,
		Workers:   1,
		Seed:      p.Seed,
		NoHistory: true,
	})
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{X: res.X, Iterations: res.Iterations, Status: res.Status.String()}, nil
}
