"""Side-by-side peer timings for scripts/bench.sh (run under /usr/bin/python3).

Writes A.npy, y.npy and x.npy for one standard problem into DIR, then times
scikit-learn's Lasso (coordinate descent) and OrthogonalMatchingPursuit on it.
Prints one JSON line per method: {"method", "seconds", "rel_error"}.
"""
import json
import sys
import time

import numpy as np
from sklearn.linear_model import Lasso, OrthogonalMatchingPursuit

out, m, n, k, lam = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
rng = np.random.default_rng(1)
A = rng.normal(0, 1 / np.sqrt(m), (m, n))
x = np.zeros(n)
x[rng.choice(n, k, replace=False)] = rng.normal(size=k)
y = A @ x + 1e-3 * rng.normal(size=m)
np.save(f"{out}/A.npy", A)
np.save(f"{out}/y.npy", y)
np.save(f"{out}/x.npy", x)


def best_of(f, reps=5):
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        r = f()
        best = min(best, time.perf_counter() - t)
    return best, r


# sklearn's Lasso minimises (1/(2m))||y - Xw||^2 + alpha||w||_1, so alpha = lambda/m
# matches gencs FISTA's 0.5||Ax - y||^2 + lambda||x||_1.
sec, w = best_of(lambda: Lasso(alpha=lam / m, fit_intercept=False, tol=1e-10, max_iter=100000).fit(A, y).coef_)
print(json.dumps({"method": "fista", "peer": "sklearn Lasso (coordinate descent, tol 1e-10)", "seconds": sec,
                  "rel_error": float(np.linalg.norm(w - x) / np.linalg.norm(x))}))
sec, w = best_of(lambda: OrthogonalMatchingPursuit(n_nonzero_coefs=k, fit_intercept=False).fit(A, y).coef_)
print(json.dumps({"method": "omp", "peer": "sklearn OrthogonalMatchingPursuit", "seconds": sec,
                  "rel_error": float(np.linalg.norm(w - x) / np.linalg.norm(x))}))
