package experiment

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Preset is a named, ready-made sweep.
type Preset struct {
	// Doc is a one-line description shown by "gencs sweep --preset list".
	Doc string
	// Spec returns a fresh spec (callers may modify it).
	Spec func() *Spec
}

var (
	presetMu sync.RWMutex
	presets  = map[string]Preset{}
)

// RegisterPreset adds a preset under name. Studies call it from init
// (e.g. the G_sp recovery study, the lower-bound threshold study). It
// panics on an empty or duplicate name.
func RegisterPreset(name string, p Preset) {
	presetMu.Lock()
	defer presetMu.Unlock()
	if name == "" || p.Spec == nil {
		panic("experiment: RegisterPreset with empty name or nil Spec")
	}
	if _, dup := presets[name]; dup {
		panic("experiment: RegisterPreset called twice for " + name)
	}
	presets[name] = p
}

// PresetSpec returns the validated spec of the named preset.
func PresetSpec(name string) (*Spec, error) {
	presetMu.RLock()
	p, ok := presets[name]
	presetMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown preset %q (want one of %s)", name, strings.Join(PresetNames(), ", "))
	}
	s := p.Spec()
	if err := s.Normalize(); err != nil {
		return nil, fmt.Errorf("preset %s: %w", name, err)
	}
	return s, nil
}

// PresetNames lists the registered presets, sorted.
func PresetNames() []string {
	presetMu.RLock()
	defer presetMu.RUnlock()
	out := make([]string, 0, len(presets))
	for k := range presets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// PresetDoc returns the preset's one-line description ("" if unknown).
func PresetDoc(name string) string {
	presetMu.RLock()
	defer presetMu.RUnlock()
	return presets[name].Doc
}

func steps(lo, hi, step float64) []float64 {
	var out []float64
	for i := 0; ; i++ {
		v := lo + float64(i)*step
		if v > hi+1e-9 {
			return out
		}
		// Round to 1e-9 so that grid values print cleanly (0.30000000000000004).
		out = append(out, float64(int64(v*1e9+0.5))/1e9)
	}
}

// dtMethods are the solvers of the Donoho–Tanner presets: basis pursuit,
// AMP with the solver's default threshold and with the minimax threshold
// (whose transition is the l1 curve), OMP and IHT (given the true k).
func dtMethods() []MethodSpec {
	return []MethodSpec{{Name: "bp"}, {Name: "amp"}, {Name: "amp-minimax"}, {Name: "omp"}, {Name: "iht"}}
}

func init() {
	RegisterPreset("dt", Preset{
		Doc: "Donoho–Tanner phase diagram for bp, amp, amp-minimax, omp, iht: n=200, Gaussian A, 9x9 (delta, rho) grid, 10 trials (minutes on 2 cores)",
		Spec: func() *Spec {
			return &Spec{
				Name: "dt", Seed: 1, Trials: 10,
				Grid: Grid{
					N:        []int{200},
					Delta:    steps(0.1, 0.9, 0.1),
					Rho:      steps(0.1, 0.9, 0.1),
					Operator: []string{"gaussian"},
				},
				Signal:  Signal{Model: "sparse-gaussian"},
				Methods: dtMethods(),
				Success: Success{RelErr: 1e-2},
			}
		},
	})
	RegisterPreset("dt-large", Preset{
		Doc: "Donoho–Tanner phase diagram for bp, amp, amp-minimax, omp, iht: n=500, 19x19 (delta, rho) grid, 20 trials (roughly 2-4 CPU-hours, mostly BP; shard it)",
		Spec: func() *Spec {
			return &Spec{
				Name: "dt-large", Seed: 1, Trials: 20,
				Grid: Grid{
					N:        []int{500},
					Delta:    steps(0.05, 0.95, 0.05),
					Rho:      steps(0.05, 0.95, 0.05),
					Operator: []string{"gaussian"},
				},
				Signal:  Signal{Model: "sparse-gaussian"},
				Methods: dtMethods(),
				Success: Success{RelErr: 1e-2},
			}
		},
	})
}
