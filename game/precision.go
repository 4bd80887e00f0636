package game

import (
	"context"
	"fmt"
	"strings"
)

// PrecisionRow reports how many stacked chunks one arithmetic precision
// supports.
type PrecisionRow struct {
	Prec uint `json:"prec"`
	// ExactChunks is the largest t for which every message entry is exact
	// at this precision (for all t' <= t).
	ExactChunks int `json:"exact_chunks"`
	// DecodableChunks is the largest t for which Bob still decodes the
	// lowest chunk (the one that suffers the most cancellation) in every
	// trial, for all t' <= t.
	DecodableChunks int `json:"decodable_chunks"`
	// Bits is b at the largest t tried (the proof's b grows with t).
	Bits int `json:"b"`
}

// PrecisionStudy plays base with Query = 1, M = N and no noise for
// t = 1..maxT chunks at each precision (0 = exact) and reports the
// supported chunk counts.
func PrecisionStudy(ctx context.Context, base Config, precs []uint, maxT int) ([]PrecisionRow, error) {
	var rows []PrecisionRow
	for _, prec := range precs {
		row := PrecisionRow{Prec: prec}
		exactOK, decOK := true, true
		for t := 1; t <= maxT && (exactOK || decOK); t++ {
			cfg := base
			cfg.Chunks, cfg.Query, cfg.M, cfg.NoNoise, cfg.Prec = t, 1, base.N, true, prec
			res, err := Run(ctx, cfg)
			if err != nil {
				return nil, fmt.Errorf("precision study t=%d prec=%d: %w", t, prec, err)
			}
			row.Bits = res.Bits
			if exactOK && res.MessageExact {
				row.ExactChunks = t
			} else {
				exactOK = false
			}
			if decOK && res.ChunkRight == res.Trials {
				row.DecodableChunks = t
			} else {
				decOK = false
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// PrecisionTable renders the rows.
func PrecisionTable(rows []PrecisionRow, maxT int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "chunks supported (of %d tried), lowest chunk queried, m = n, no noise:\n", maxT)
	fmt.Fprintf(&b, "%8s %14s %17s\n", "prec", "exact message", "Bob still decodes")
	for _, r := range rows {
		name := fmt.Sprint(r.Prec)
		switch r.Prec {
		case 0:
			name = "exact"
		case 53:
			name = "53 (f64)"
		}
		fmt.Fprintf(&b, "%8s %14d %17d\n", name, r.ExactChunks, r.DecodableChunks)
	}
	return b.String()
}
