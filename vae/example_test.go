package vae_test

import (
	"context"
	"fmt"

	"github.com/gencs/gencs/vae"
)

func Example() {
	// Bora et al.'s MNIST architecture has about 1.3 million parameters;
	// the decoder alone (20-500-500-784) about 0.65 million.
	fmt.Println(vae.New(vae.Config{}, 1).NumParams())

	// Train a small VAE on 200 two-pattern "images" of 16 pixels.
	X := make([]float32, 200*16)
	for i := 0; i < 200; i++ {
		for j := 0; j < 16; j++ {
			if (j < 8) == (i%2 == 0) {
				X[i*16+j] = 0.9
			} else {
				X[i*16+j] = 0.1
			}
		}
	}
	m := vae.New(vae.Config{Input: 16, Hidden: 12, Latent: 2}, 1)
	before := m.Evaluate(X, 16, 1).Total()
	tr, _ := vae.NewTrainer(m, &vae.Options{Epochs: 30, BatchSize: 20, LearningRate: 0.01, Seed: 1})
	if _, err := tr.Train(context.Background(), X, 16); err != nil {
		fmt.Println(err)
		return
	}
	after := m.Evaluate(X, 16, 1).Total()
	fmt.Println(after < before)
	k, n := m.Decoder().Dims()
	fmt.Println(k, n)
	// Output:
	// 1316824
	// true
	// 2 16
}
