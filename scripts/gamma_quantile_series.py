"""Derive the large-count series of the gamma quantile used by the exact Poisson limits.

    python scripts/gamma_quantile_series.py [terms]      # prints the table of coefficients

The quantile x of the gamma distribution of shape a at lower-tail probability p,
with z the standard normal quantile of p, has the expansion (Cornish-Fisher; the
Temme uniform expansion re-expanded in powers of a^(-1/2))

    x = a + sqrt(a) * (z + c_0(z) s + c_1(z) s^2 + ...),    s = 1 / sqrt(a),

where each c_k is a polynomial in z with rational coefficients. This script derives
them exactly, in pure Python (fractions), from three facts:

1. With lambda = x / a and eta^2 / 2 = lambda - 1 - ln(lambda) (eta of the sign of
   lambda - 1), Q(a, x) = (1 / G(a)) * integral from eta sqrt(a) to infinity of
   phi(t) f(t / sqrt(a)) dt, where f(eta) = d ln(lambda) / d eta, phi is the normal
   density and G(a) = Gamma(a) e^a a^(-a) sqrt(a / (2 pi)) (Temme 1979; DLMF 8.12).
2. Integrating the power series of f term by term against phi gives
   P(a, x) = Phi(u) + phi(u) H(u, s) / G, u = eta sqrt(a), with polynomials h_j:
   the integral of t^j phi(t) up to u is m_j Phi(u) + h_j(u) phi(u); the Phi terms sum
   to G (the moments of the normal distribution), so only phi(u) H remains.
3. Writing u = z + d_1 s + d_2 s^2 + ... and expanding P(a, x) = Phi(z) in powers of s
   gives each d_k from the order-k coefficient; then x = a lambda(u s).

The first coefficients are the classical ones: c_0 = (z^2 - 1) / 3 and
c_1 = (z^3 - 7 z) / 36 (Abramowitz & Stegun 26.4.17 for chi-square, halved).
References: N. M. Temme, "Asymptotic inversion of incomplete gamma functions",
Math. Comp. 58 (1992) 755-764; A. Gil, J. Segura, N. M. Temme, SIAM J. Sci. Comput.
34 (2012) A2965-A2981.
"""

from __future__ import annotations

import sys
from fractions import Fraction

Poly = list[Fraction]  # coefficients in z, lowest degree first
Series = list[Poly]  # coefficients in s, lowest power first


def padd(a: Poly, b: Poly) -> Poly:
    out = [Fraction(0)] * max(len(a), len(b))
    for i, c in enumerate(a):
        out[i] += c
    for i, c in enumerate(b):
        out[i] += c
    return out


def pmul(a: Poly, b: Poly) -> Poly:
    if not a or not b:
        return []
    out = [Fraction(0)] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return out


def pscale(a: Poly, c: Fraction) -> Poly:
    return [x * c for x in a]


def smul(a: Series, b: Series, order: int) -> Series:
    out: Series = [[] for _ in range(order)]
    for i, x in enumerate(a[:order]):
        if any(x):
            for j, y in enumerate(b[: order - i]):
                if any(y):
                    out[i + j] = padd(out[i + j], pmul(x, y))
    return out


def sadd(a: Series, b: Series) -> Series:
    return [padd(x, y) for x, y in zip(a, b, strict=True)]


def powers(a: Series, count: int, order: int) -> list[Series]:
    one: Series = [[Fraction(1)]] + [[] for _ in range(order - 1)]
    out = [one]
    for _ in range(count):
        out.append(smul(out[-1], a, order))
    return out


def scalar_series_mul(a: list[Fraction], b: list[Fraction], order: int) -> list[Fraction]:
    out = [Fraction(0)] * order
    for i, x in enumerate(a[:order]):
        for j, y in enumerate(b[: order - i]):
            out[i + j] += x * y
    return out


def lambda_series(order: int) -> list[Fraction]:
    """Coefficients l_m of lambda(eta) = 1 + eta + eta^2/3 + eta^3/36 - ... (order terms)."""
    coeffs = [Fraction(0), Fraction(1)] + [Fraction(0)] * (order - 1)
    for m in range(2, order + 1):
        # eta^2/2 = w - ln(1 + w) = sum_{n>=2} (-1)^n w^n / n with w = lambda - 1; the
        # coefficient of eta^(m+1) is linear in l_m (slope 1): solve with l_m = 0 first
        w = coeffs[: m + 2]
        total = [Fraction(0)] * (m + 2)
        power = scalar_series_mul(w, w, m + 2)
        for n in range(2, m + 2):
            for i in range(m + 2):
                total[i] += Fraction((-1) ** n, n) * power[i]
            power = scalar_series_mul(power, w, m + 2)
        coeffs[m] = (Fraction(1, 2) if m == 1 else Fraction(0)) - total[m + 1]
    return coeffs


def derive(terms: int) -> list[Poly]:
    """The polynomials c_0 ... c_{terms-1}."""
    order = terms + 3  # powers of s carried through the derivation
    lam = lambda_series(order + 2)
    # f = d ln(lambda) / d eta
    w = [Fraction(0), *lam[1:]]
    log_lam = [Fraction(0)] * (order + 2)
    power = [Fraction(1)] + [Fraction(0)] * (order + 1)
    for n in range(1, order + 2):
        power = scalar_series_mul(power, w, order + 2)
        for i in range(order + 2):
            log_lam[i] += Fraction((-1) ** (n + 1), n) * power[i]
    f = [log_lam[j + 1] * (j + 1) for j in range(order + 1)]
    # G(s) = sum over even j of f_j (j - 1)!! s^j, and 1/G
    double_factorial = [1, 1]
    for j in range(2, order + 1):
        double_factorial.append(double_factorial[j - 2] * j)
    g = [f[j] * (double_factorial[j - 1] if j else 1) if j % 2 == 0 else Fraction(0)
         for j in range(order)]  # fmt: skip
    inverse = [Fraction(1)] + [Fraction(0)] * (order - 1)
    for k in range(1, order):
        inverse[k] = -sum((g[i] * inverse[k - i] for i in range(1, k + 1)), Fraction(0))
    # h_j(u): integral of t^j phi(t) up to u = m_j Phi(u) + h_j(u) phi(u)
    h: list[Poly] = [[], [Fraction(-1)]]
    for j in range(2, order + 1):
        h.append(padd([Fraction(0)] * (j - 1) + [Fraction(-1)], pscale(h[j - 2], Fraction(j - 1))))
    # probabilists' Hermite polynomials He_n(z)
    hermite: list[Poly] = [[Fraction(1)], [Fraction(0), Fraction(1)]]
    for n in range(2, order + 2):
        hermite.append(padd(pmul([Fraction(0), Fraction(1)], hermite[n - 1]),
                            pscale(hermite[n - 2], Fraction(-(n - 1)))))  # fmt: skip
    zpoly: Poly = [Fraction(0), Fraction(1)]
    d: Series = [[] for _ in range(order)]
    inverse_series: Series = [[c] if c else [] for c in inverse]
    for k in range(1, order):
        delta = d[:]  # d_k unknown (zero): the order-k coefficient is d_k + rest
        delta_powers = powers(delta, order, order)
        # Phi(z + delta) - Phi(z), over phi(z)
        change: Series = [[] for _ in range(order)]
        factorial = 1
        for m in range(1, order):
            factorial *= m
            coefficient = pscale(hermite[m - 1], Fraction((-1) ** (m - 1), factorial))
            change = sadd(change, [pmul(coefficient, c) for c in delta_powers[m]])
        # phi(z + delta) / phi(z) = exp(-z delta - delta^2 / 2)
        linear = [pmul([Fraction(0), Fraction(-1)], c) for c in delta]
        square = [pscale(c, Fraction(-1, 2)) for c in smul(delta, delta, order)]
        exponent = sadd(linear, square)
        exponent_powers = powers(exponent, order, order)
        ratio: Series = [[] for _ in range(order)]
        factorial = 1
        for m in range(order):
            factorial *= max(m, 1)
            ratio = sadd(ratio, [pscale(c, Fraction(1, factorial)) for c in exponent_powers[m]])
        # H(u, s) = sum_j f_j s^j h_j(u), u = z + delta
        u_powers = powers(sadd([zpoly] + [[] for _ in range(order - 1)], delta), order, order)
        big_h: Series = [[] for _ in range(order)]
        for j in range(1, order):
            composed: Series = [[] for _ in range(order)]
            for degree, c in enumerate(h[j]):
                if c:
                    composed = sadd(composed, [pscale(p, c) for p in u_powers[degree]])
            shifted = [[] for _ in range(j)] + composed[: order - j]
            big_h = sadd(big_h, [pscale(p, f[j]) for p in shifted])
        total = sadd(change, smul(smul(ratio, big_h, order), inverse_series, order))
        d[k] = pscale(total[k], Fraction(-1))
    # x = a lambda(u s) = a + sum_m l_m u^m s^(m - 2)
    u_series: Series = [zpoly, *d[1:]]
    u_powers = powers(u_series, order + 1, order)
    c: list[Poly] = [[] for _ in range(terms)]
    for m in range(1, order + 1):
        for i in range(order):
            exponent_of_s = i + m - 2
            if 0 <= exponent_of_s < terms:
                c[exponent_of_s] = padd(c[exponent_of_s], pscale(u_powers[m][i], lam[m]))
    return [trim(p) for p in c]


def trim(p: Poly) -> Poly:
    while p and p[-1] == 0:
        p = p[:-1]
    return p


def main() -> None:
    terms = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    polys = derive(terms)
    assert polys[0] == [Fraction(-1, 3), 0, Fraction(1, 3)]
    assert polys[1] == [0, Fraction(-7, 36), 0, Fraction(1, 36)]
    print(f"# c_k(z), k = 0..{terms - 1}: coefficients of z^0, z^1, ... (float, nearest)")
    print("SERIES = (")
    for p in polys:
        print("    (" + ", ".join(repr(float(x)) for x in p) + ",),")
    print(")")


if __name__ == "__main__":
    main()
