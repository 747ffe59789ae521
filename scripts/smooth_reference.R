# Regenerate tests/reference/smooth_spatialepi.csv and tests/reference/smooth_vgam_betabinomial.csv.
#
# Usage (R >= 4.2 with SpatialEpi, MASS and VGAM installed):
#   Rscript scripts/smooth_reference.R PREFECTURE_CSV OUT_DIR
# PREFECTURE_CSV is src/mch_indicators/datasets/example_prefecture.csv. The peers are called,
# never copied: SpatialEpi's eBayes() (MASS::glm.nb, then the posterior formulas) and
# EBpostthresh(); MASS::glm.nb() again with tight convergence; VGAM's vglm() with the
# betabinomial family. Every number is written with 17 significant digits.
suppressPackageStartupMessages({
  library(SpatialEpi)
  library(MASS)
  library(VGAM)
})

args <- commandArgs(trailingOnly = TRUE)
prefecture <- read.csv(args[[1]], encoding = "UTF-8")
out <- args[[2]]
num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

poisson_gamma <- function(dataset, area, y, e) {
  fit <- eBayes(y, e)
  tight <- glm.nb(y ~ 1 + offset(log(e)), control = glm.control(epsilon = 1e-13, maxit = 200))
  above1 <- EBpostthresh(y, e, alpha = fit$alpha, beta = fit$beta, rrthresh = 1)
  above_mean <- EBpostthresh(y, e, alpha = fit$alpha, beta = fit$beta,
                             rrthresh = exp(fit$beta[[1]]))
  data.frame(
    dataset = dataset, area = area, y = as.character(y), e = num(e), rr = num(fit$RR),
    rr_median = num(fit$RRmed), alpha = num(fit$alpha), beta = num(fit$beta[[1]]),
    exceed_1 = num(above1), exceed_mean = num(above_mean),
    tight_alpha = num(tight$theta), tight_beta = num(coef(tight)[[1]]),
    tight_loglik = num(tight$twologlik / 2)
  )
}

scot <- scotland$data
rows <- list(poisson_gamma("scotland", scot$county.names, scot$cases, scot$expected))
for (key in c("infant_mortality_rate", "under5_mortality_rate")) {
  part <- prefecture[prefecture$indicator == key & prefecture$year == 2024, ]
  rows[[length(rows) + 1]] <- poisson_gamma(paste0(key, "_2024"), part$county, part$numerator,
                                            part$denominator)
}
pg <- do.call(rbind, rows)

header_pg <- c(
  "# Empirical Bayes (Poisson-gamma) smoothing: SpatialEpi's eBayes and EBpostthresh, and MASS",
  "#   glm.nb with tight convergence, run on two data sets.",
  paste0("# source: R ", R.version$major, ".", R.version$minor, ", SpatialEpi ",
         packageVersion("SpatialEpi"), " (CRAN release, built from its source here), MASS ",
         packageVersion("MASS"), "; scripts/smooth_reference.R."),
  "# source: data set scotland = SpatialEpi's scotland$data (Scottish lip cancer 1975-80, 56",
  "#   districts: cases, expected; Clayton and Kaldor 1987); *_2024 = the 12 counties of",
  "#   mch_indicators' example_prefecture.csv in 2024 (deaths, live births).",
  "# obtained: rr, rr_median, alpha, beta = eBayes(y, e) (intercept only: beta is log mu);",
  "#   exceed_1 / exceed_mean = EBpostthresh(..., rrthresh = 1 / exp(beta)); tight_* = glm.nb(y ~ 1",
  "#   + offset(log(e)), epsilon = 1e-13): theta, the intercept and the log-likelihood.",
  "# columns: dataset, area, y, e, rr, rr_median, alpha, beta, exceed_1, exceed_mean,",
  "#   tight_alpha, tight_beta, tight_loglik.",
  "# tolerance: tests/stats/test_smooth.py compares the library (alpha = 1/dispersion,",
  "#   mu = mean) with the tight fit to rtol 1e-7 and with eBayes's default-convergence output",
  "#   to rtol 1e-5 (glm.nb stops at a relative deviance change of 1e-8)."
)

lirat_fit <- vglm(cbind(R, N - R) ~ 1, betabinomial, data = lirat,
                  control = vglm.control(epsilon = 1e-13, maxit = 200))
mu <- plogis(coef(lirat_fit)[[1]])
rho <- plogis(coef(lirat_fit)[[2]])
rows <- list(data.frame(dataset = "lirat", mu = num(mu), rho = num(rho),
                        loglik = num(logLik(lirat_fit))))
for (key in c("hospital_delivery_rate_cn", "high_risk_pregnancy_management_rate_cn")) {
  part <- prefecture[prefecture$indicator == key & prefecture$year == 2024, ]
  part$f <- part$denominator - part$numerator
  fit <- vglm(cbind(numerator, f) ~ 1, betabinomial, data = part,
              control = vglm.control(epsilon = 1e-13, maxit = 200))
  rows[[length(rows) + 1]] <- data.frame(
    dataset = paste0(key, "_2024"), mu = num(plogis(coef(fit)[[1]])),
    rho = num(plogis(coef(fit)[[2]])), loglik = num(logLik(fit)))
}
bb <- do.call(rbind, rows)
header_bb <- c(
  "# Beta-binomial maximum likelihood (intercept only) by VGAM's vglm(cbind(y, n - y) ~ 1,",
  "#   betabinomial): mu = the mean proportion, rho = 1 / (1 + a + b).",
  paste0("# source: R ", R.version$major, ".", R.version$minor, ", VGAM ",
         packageVersion("VGAM"), "; scripts/smooth_reference.R."),
  "# source: data set lirat = VGAM's lirat (low-iron rat teratology, Shepard et al. 1980: 58",
  "#   litters, N pups, R dead); *_2024 = the 12 counties of mch_indicators'",
  "#   example_prefecture.csv in 2024.",
  "# obtained: mu = plogis(intercept 1), rho = plogis(intercept 2), loglik = logLik(fit)",
  "#   (VGAM's log-likelihood includes the binomial coefficients).",
  "# note: for the two *_2024 sets (rho near 0) vglm warns that it stopped at a half-step;",
  "#   its log-likelihoods there are about 5e-11 below the library's maximum.",
  "# columns: dataset, mu, rho, loglik.",
  "# tolerance: tests/stats/test_smooth.py compares the library's mean and dispersion",
  "#   phi = rho / (1 - rho) to rtol 1e-6 and the log-likelihood to atol 1e-6."
)

write_table <- function(header, frame, name) {
  lines <- c(header, paste(names(frame), collapse = ","))
  body <- apply(frame, 1, function(r) paste(r, collapse = ","))
  writeLines(c(lines, body), file.path(out, name), useBytes = TRUE)
}
header_lirat <- c(
  "# The lirat data set of VGAM (low-iron rat teratology, Shepard, Mackler and Finch 1980: 58",
  "#   litters; N pups, R dead, hb haemoglobin, grp treatment group), as VGAM ships it.",
  paste0("# source: R ", R.version$major, ".", R.version$minor, ", VGAM ",
         packageVersion("VGAM"), ", data(lirat); scripts/smooth_reference.R."),
  "# obtained: written as VGAM holds it; the inputs of the lirat row of",
  "#   smooth_vgam_betabinomial.csv.",
  "# columns: litter (row number), N, R, hb, grp.",
  "# tolerance: data, no tolerance."
)
lirat_rows <- data.frame(litter = as.character(seq_len(nrow(lirat))), N = as.character(lirat$N),
                         R = as.character(lirat$R), hb = num(lirat$hb),
                         grp = as.character(lirat$grp))
write_table(header_pg, pg, "smooth_spatialepi.csv")
write_table(header_lirat, lirat_rows, "vgam_lirat.csv")
write_table(header_bb, bb, "smooth_vgam_betabinomial.csv")
