package experiment

import "fmt"

// Conflict is a (trial, method) pair present in two inputs with different
// results (timing aside). The first record is the one kept.
type Conflict struct {
	// Key is the pair's Record.Key.
	Key string
	// First and Second name the inputs holding the two records.
	First, Second string
	// FirstRecord and SecondRecord are the two records.
	FirstRecord, SecondRecord Record
	// DifferentField describes the first differing field.
	DifferentField string
}

// MergeReport describes a merge.
type MergeReport struct {
	// Lines is the number of records read.
	Lines int
	// Kept is the number of records in the output.
	Kept int
	// Duplicates counts records dropped because an identical result
	// (timing aside) was already kept.
	Duplicates int
	// Conflicts lists pairs with differing results; the first is kept.
	Conflicts []Conflict
	// Missing lists the spec's (trial, method) keys absent from every
	// input (only when a spec is given), in spec order.
	Missing []string
	// Foreign counts kept records that are not part of the spec (only
	// when a spec is given).
	Foreign int
}

// Input is a named set of records to merge.
type Input struct {
	// Name identifies the input in reports (e.g. its file name).
	Name string
	// Records are its result lines.
	Records []Record
}

// Merge combines inputs, drops exact duplicates (identical but for
// timing), reports conflicting duplicates (first one kept) and, given a
// spec, the trials missing from all inputs. The output is sorted in spec
// order (see SortRecords).
func Merge(inputs []Input, spec *Spec) ([]Record, MergeReport) {
	var rep MergeReport
	type kept struct {
		idx  int
		from string
	}
	seen := map[string]kept{}
	var out []Record
	for _, in := range inputs {
		for _, r := range in.Records {
			rep.Lines++
			k := r.Key()
			if prev, ok := seen[k]; ok {
				if SameResult(out[prev.idx], r) {
					rep.Duplicates++
				} else {
					rep.Conflicts = append(rep.Conflicts, Conflict{
						Key: k, First: prev.from, Second: in.Name,
						FirstRecord: out[prev.idx], SecondRecord: r,
						DifferentField: diffField(out[prev.idx], r),
					})
				}
				continue
			}
			seen[k] = kept{len(out), in.Name}
			out = append(out, r)
		}
	}
	rep.Kept = len(out)
	if spec != nil {
		want := map[string]bool{}
		for _, k := range spec.Keys() {
			want[k] = true
			if _, ok := seen[k]; !ok {
				rep.Missing = append(rep.Missing, k)
			}
		}
		for k := range seen {
			if !want[k] {
				rep.Foreign++
			}
		}
	}
	SortRecords(spec, out)
	return out, rep
}

// diffField names the first result field in which a and b differ.
func diffField(a, b Record) string {
	switch {
	case a.RelErr != b.RelErr && !(a.RelErr != a.RelErr && b.RelErr != b.RelErr):
		return fmt.Sprintf("rel_err %v vs %v", float64(a.RelErr), float64(b.RelErr))
	case a.Success != b.Success:
		return fmt.Sprintf("success %v vs %v", a.Success, b.Success)
	case a.Threshold != b.Threshold:
		return fmt.Sprintf("threshold %v vs %v", a.Threshold, b.Threshold)
	case a.Iterations != b.Iterations:
		return fmt.Sprintf("iterations %d vs %d", a.Iterations, b.Iterations)
	case a.Status != b.Status:
		return fmt.Sprintf("status %q vs %q", a.Status, b.Status)
	case a.Error != b.Error:
		return fmt.Sprintf("error %q vs %q", a.Error, b.Error)
	}
	return "other field"
}
