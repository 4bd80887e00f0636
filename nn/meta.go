package nn

import (
	"encoding/json"
	"math"
)

// MetaFloat returns Meta[key] as a float64 if it is a number (json.Number as
// produced by Load, or any Go integer or float type).
func (n *Network) MetaFloat(key string) (float64, bool) {
	switch v := n.Meta[key].(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	case int32:
		return float64(v), true
	case uint32:
		return float64(v), true
	}
	return 0, false
}

// MetaInt returns Meta[key] as an int if it is an integer-valued number.
func (n *Network) MetaInt(key string) (int, bool) {
	switch v := n.Meta[key].(type) {
	case json.Number:
		i, err := v.Int64()
		return int(i), err == nil
	case int:
		return v, true
	case int64:
		return int(v), true
	case uint64:
		return int(v), v <= math.MaxInt64
	}
	f, ok := n.MetaFloat(key)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int(f), true
}

// MetaUint64 returns Meta[key] as a uint64 (e.g. a seed) if it is a
// non-negative integer; json.Number values keep all 64 bits.
func (n *Network) MetaUint64(key string) (uint64, bool) {
	switch v := n.Meta[key].(type) {
	case json.Number:
		var u uint64
		if err := json.Unmarshal([]byte(v), &u); err != nil {
			return 0, false
		}
		return u, true
	case uint64:
		return v, true
	}
	i, ok := n.MetaInt(key)
	return uint64(i), ok && i >= 0
}
