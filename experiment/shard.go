package experiment

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseShard parses "i/N" (0 <= i < N).
func ParseShard(s string) (shard, shards int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("shard %q: want i/N, e.g. 0/4", s)
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("shard %q: want integers i/N, e.g. 0/4", s)
	}
	if n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("shard %q: need N >= 1 and 0 <= i < N", s)
	}
	return i, n, nil
}

// ShardFromEnv derives the shard from a cluster scheduler's environment:
//
//   - Slurm job arrays: SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN (0
//     when unset), out of SLURM_ARRAY_TASK_COUNT (or count, if > 0);
//   - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, out of count (from a
//     flag) or the GENCS_SHARDS variable.
//
// It returns ok = false when none of these variables is set, and an error
// when they are inconsistent. source names the variables used.
func ShardFromEnv(getenv func(string) string, count int) (shard, shards int, source string, ok bool, err error) {
	atoi := func(name string) (int, bool, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0, false, nil
		}
		x, err := strconv.Atoi(v)
		if err != nil {
			return 0, true, fmt.Errorf("environment variable %s=%q is not an integer", name, v)
		}
		return x, true, nil
	}
	total := func(alt string) (int, error) {
		if count > 0 {
			return count, nil
		}
		for _, name := range []string{alt, "GENCS_SHARDS"} {
			if name == "" {
				continue
			}
			n, set, err := atoi(name)
			if err != nil {
				return 0, err
			}
			if set {
				return n, nil
			}
		}
		return 0, fmt.Errorf("shard count unknown: pass --shards N or set GENCS_SHARDS")
	}
	check := func(i, n int, src string) (int, int, string, bool, error) {
		if n < 1 || i < 0 || i >= n {
			return 0, 0, src, true, fmt.Errorf("%s gives shard %d of %d: need 0 <= index < count", src, i, n)
		}
		return i, n, src, true, nil
	}
	if id, set, err := atoi("SLURM_ARRAY_TASK_ID"); set || err != nil {
		if err != nil {
			return 0, 0, "", true, err
		}
		lo, _, err := atoi("SLURM_ARRAY_TASK_MIN")
		if err != nil {
			return 0, 0, "", true, err
		}
		n, err := total("SLURM_ARRAY_TASK_COUNT")
		if err != nil {
			return 0, 0, "", true, err
		}
		return check(id-lo, n, "SLURM_ARRAY_TASK_ID")
	}
	if id, set, err := atoi("JOB_COMPLETION_INDEX"); set || err != nil {
		if err != nil {
			return 0, 0, "", true, err
		}
		n, err := total("")
		if err != nil {
			return 0, 0, "", true, err
		}
		return check(id, n, "JOB_COMPLETION_INDEX")
	}
	return 0, 0, "", false, nil
}
