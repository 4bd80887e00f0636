package data_test

import (
	"fmt"

	"github.com/gencs/gencs/data"
)

func ExampleLoadFashionMNIST() {
	// testdata holds the first 24 images of each Fashion-MNIST split.
	s, err := data.LoadFashionMNIST("testdata/fashion-mnist", data.Test)
	if err != nil {
		fmt.Println(err)
		return
	}
	img := s.Image(nil, 0)
	fmt.Printf("%d images of %dx%d, first label %d, pixel (14,12) = %.0f/255\n",
		s.Len(), s.Rows, s.Cols, s.Labels[0], 255*img[14*28+12])
	// Output: 24 images of 28x28, first label 9, pixel (14,12) = 98/255
}

func ExampleLoad_missing() {
	_, err := data.Load("/nonexistent", "mnist", data.Test)
	fmt.Println(err)
	// Output: mnist: /nonexistent/mnist/0.json missing: data set not installed (run: gencs data install)
}
