package npyfile_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gencs/gencs/npyfile"
)

func Example() {
	dir, _ := os.MkdirTemp("", "npy")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "y.npy")
	if err := npyfile.WriteVector(p, []float64{1.5, -2, 3}); err != nil {
		panic(err)
	}
	y, err := npyfile.ReadVector(p)
	fmt.Println(y, err)
	// Output: [1.5 -2 3] <nil>
}
