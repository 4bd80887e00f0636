package experiment

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// CellParams are the parameters of a grid cell as result lines and
// summaries carry them (flattened into the JSON object).
type CellParams struct {
	// N, M, K are the signal length, measurement count and sparsity.
	N int `json:"n"`
	M int `json:"m"`
	K int `json:"k"`
	// Delta and Rho are the cell's grid values (m/n and k/m when the grid
	// was given in m and k).
	Delta float64 `json:"delta"`
	Rho   float64 `json:"rho"`
	// Operator, Signal and Sigma name the operator, the signal model and
	// the noise level.
	Operator string  `json:"operator"`
	Signal   string  `json:"signal"`
	Sigma    float64 `json:"sigma"`
}

// Record is one result line: one method on one trial.
type Record struct {
	CellParams
	// Trial is the trial index within the cell and Seed its derived seed.
	Trial int    `json:"trial"`
	Seed  uint64 `json:"seed"`
	// Method is the method's label.
	Method string `json:"method"`
	// RelErr is ||xhat - x|| / ||x|| (||xhat|| when x = 0); null in JSON
	// when not finite.
	RelErr JSONFloat `json:"rel_err"`
	// Threshold is the spec's success threshold and Success reports
	// RelErr <= Threshold.
	Threshold float64 `json:"threshold"`
	Success   bool    `json:"success"`
	// Iterations and Status are as reported by the method; Status is
	// "error" when it failed, with the message in Error.
	Iterations int    `json:"iterations"`
	Status     string `json:"status"`
	Error      string `json:"error,omitempty"`
	// TimeS is the method's wall-clock time in seconds (the only field
	// that differs between identical reruns).
	TimeS float64 `json:"time_s"`
}

// JSONFloat is a float64 that encodes non-finite values as JSON null
// (and decodes null as NaN).
type JSONFloat float64

// MarshalJSON implements json.Marshaler.
func (f JSONFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *JSONFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = JSONFloat(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = JSONFloat(v)
	return nil
}

// TrialKey identifies the trial a record belongs to (cell parameters,
// trial index and seed), independent of the method.
func (r *Record) TrialKey() string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return fmt.Sprintf("%s|%s|n=%d|m=%d|k=%d|delta=%s|rho=%s|sigma=%s|trial=%d|seed=%d",
		r.Operator, r.Signal, r.N, r.M, r.K, g(r.Delta), g(r.Rho), g(r.Sigma), r.Trial, r.Seed)
}

// Key identifies the (trial, method) pair of a record.
func (r *Record) Key() string { return r.TrialKey() + "|" + r.Method }

// SameResult reports whether two records agree in every field except the
// timing.
func SameResult(a, b Record) bool {
	a.TimeS, b.TimeS = 0, 0
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// CellKey identifies a record's cell and method (for aggregation).
func (r *Record) CellKey() string {
	k := r.TrialKey()
	// Strip "|trial=...|seed=...".
	if i := strings.LastIndex(k, "|trial="); i >= 0 {
		k = k[:i]
	}
	return k + "|" + r.Method
}

func (r *Record) check() error {
	switch {
	case r.Method == "":
		return errors.New(`missing "method"`)
	case r.N < 1 || r.M < 1 || r.K < 0:
		return fmt.Errorf("bad dimensions n=%d m=%d k=%d", r.N, r.M, r.K)
	}
	return nil
}

// ReadResult is what ReadRecords found in a results file.
type ReadResult struct {
	Records []Record
	// GoodBytes is the length of the prefix made of complete, valid,
	// newline-terminated lines (where appending may safely continue).
	GoodBytes int64
	// Truncated is set when the file ends in an incomplete or invalid
	// line (the trace of a killed writer); the line is not in Records.
	Truncated bool
	// Tail describes the dropped last line, for warnings.
	Tail string
}

// ReadRecords parses a results file of JSON lines. An invalid or
// unterminated last line (what a killed writer leaves) is dropped and
// reported in ReadResult.Truncated; an invalid line anywhere else is an
// error naming the line. Blank lines are skipped.
func ReadRecords(r io.Reader) (*ReadResult, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	res := &ReadResult{}
	var off int64
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, err
		}
		if len(line) == 0 {
			break
		}
		terminated := line[len(line)-1] == '\n'
		body := bytes.TrimSpace(line)
		if len(body) == 0 {
			if terminated {
				off += int64(len(line))
				res.GoodBytes = off
			}
			if err == io.EOF {
				break
			}
			continue
		}
		var rec Record
		perr := json.Unmarshal(body, &rec)
		if perr == nil {
			perr = rec.check()
		}
		if !terminated || perr != nil {
			// Is this the last line?
			if _, peekErr := br.Peek(1); !terminated || peekErr == io.EOF {
				res.Truncated = true
				res.Tail = fmt.Sprintf("line %d (%d bytes)", lineNo, len(line))
				break
			}
			return nil, fmt.Errorf("line %d: invalid result line: %v", lineNo, perr)
		}
		res.Records = append(res.Records, rec)
		off += int64(len(line))
		res.GoodBytes = off
		if err == io.EOF {
			break
		}
	}
	return res, nil
}

// ReadFile reads a results file with ReadRecords. A truncated last line is
// ignored; warn (if non-nil) is called with a message about it.
func ReadFile(path string, warn func(string)) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := ReadRecords(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if res.Truncated && warn != nil {
		warn(fmt.Sprintf("%s: ignoring incomplete last %s (interrupted writer?)", path, res.Tail))
	}
	return res.Records, nil
}

// WriteRecords writes records as JSON lines.
func WriteRecords(w io.Writer, recs []Record) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}
