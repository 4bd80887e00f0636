#!/usr/bin/env python3
"""Reference answers from scikit-learn and SciPy for the gencs interop tests.

    /usr/bin/python3 scripts/interop_check.py DIR

reads DIR/config.json,
    {"lambdas": [float, ...], "ks": [int, ...], "dct_n": [int, ...], "hadamard_n": [int, ...]}
and DIR/A.npy (m x n), DIR/y.npy (m,), DIR/dct_x_<n>.npy (n,) for each n in dct_n,
and writes
    DIR/lasso_x_<i>.npy    sklearn Lasso(alpha=lambdas[i]/m, fit_intercept=False) coefficients;
                           sklearn minimises (1/(2m))||y - A w||^2 + alpha ||w||_1, which is
                           1/m times gencs FISTA's 0.5||A x - y||^2 + lambda ||x||_1
    DIR/omp_x_<k>.npy      sklearn OrthogonalMatchingPursuit(n_nonzero_coefs=k, fit_intercept=False)
    DIR/dct_<n>.npy        scipy.fft.dct(x, type=2, norm="ortho")
    DIR/idct_<n>.npy       scipy.fft.idct(x, type=2, norm="ortho") (the transpose: orthonormal DCT-III)
    DIR/hadamard_<n>.npy   scipy.linalg.hadamard(n) / sqrt(n)
    DIR/result.json        {"versions": {...}, "skipped": {section: reason}, "lasso_objective": [float, ...],
                            "lasso_iterations": [int, ...]}
A section whose library is missing is listed in "skipped" instead of failing.
"""
import json
import os
import sys
import warnings

import numpy as np


def main(d):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    res = {"versions": {"numpy": np.__version__}, "skipped": {}}
    A = np.load(os.path.join(d, "A.npy"))
    y = np.load(os.path.join(d, "y.npy"))
    m = A.shape[0]

    try:
        import sklearn
        from sklearn.linear_model import Lasso, OrthogonalMatchingPursuit
        res["versions"]["sklearn"] = sklearn.__version__
    except ImportError as e:
        res["skipped"]["lasso"] = res["skipped"]["omp"] = f"scikit-learn is not importable: {e}"
    else:
        res["lasso_objective"], res["lasso_iterations"] = [], []
        for i, lam in enumerate(cfg["lambdas"]):
            las = Lasso(alpha=lam / m, fit_intercept=False, tol=1e-15, max_iter=10**7, selection="cyclic")
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a ConvergenceWarning must fail loudly
                las.fit(A, y)
            w = las.coef_.astype(np.float64)
            np.save(os.path.join(d, f"lasso_x_{i}.npy"), w)
            r = A @ w - y
            res["lasso_objective"].append(float(0.5 * r @ r + lam * np.abs(w).sum()))
            res["lasso_iterations"].append(int(las.n_iter_))

        for k in cfg["ks"]:
            omp = OrthogonalMatchingPursuit(n_nonzero_coefs=int(k), fit_intercept=False).fit(A, y)
            np.save(os.path.join(d, f"omp_x_{k}.npy"), omp.coef_.astype(np.float64))

    try:
        import scipy
        import scipy.fft
        import scipy.linalg
        res["versions"]["scipy"] = scipy.__version__
    except ImportError as e:
        res["skipped"]["dct"] = res["skipped"]["hadamard"] = f"scipy is not importable: {e}"
    else:
        for n in cfg.get("dct_n", []):
            x = np.load(os.path.join(d, f"dct_x_{n}.npy"))
            np.save(os.path.join(d, f"dct_{n}.npy"), scipy.fft.dct(x, type=2, norm="ortho"))
            np.save(os.path.join(d, f"idct_{n}.npy"), scipy.fft.idct(x, type=2, norm="ortho"))
        for n in cfg.get("hadamard_n", []):
            np.save(os.path.join(d, f"hadamard_{n}.npy"), scipy.linalg.hadamard(n).astype(np.float64) / np.sqrt(n))

    with open(os.path.join(d, "result.json"), "w") as f:
        json.dump(res, f, indent=2)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: interop_check.py DIR")
    main(sys.argv[1])
