# Regenerate tests/reference/decompose_dasgupta_inputs.csv and decompose_dasguptr.csv.
#
# Usage (R >= 4.1 with DasGuptR installed):  Rscript scripts/decompose_reference.R OUT_DIR
# The inputs are worked examples of Das Gupta P (1993), Standardization and Decomposition of
# Rates: A User's Manual, U.S. Bureau of the Census, Current Population Reports P23-186, as
# DasGuptR's README transcribes them (tables 2.1, 2.2, 2.4, 4.3, 5.1 and 5.3 of the manual).
# DasGuptR's dgnpop() is called, never copied; numbers are written with 17 significant digits.
suppressPackageStartupMessages(library(DasGuptR))
out <- commandArgs(trailingOnly = TRUE)[[1]]
num <- function(x) sprintf("%.17g", x)

examples <- list(
  t2_1 = list(data = data.frame(pop = c("black", "white"), avg_earnings = c(10930, 16591),
                                earner_prop = c(.717892, .825974)),
              factors = c("avg_earnings", "earner_prop")),
  t2_2 = list(data = data.frame(pop = c("austria", "chile"),
                                birthsw1549 = c(51.78746, 84.90502),
                                propw1549 = c(.45919, .75756), propw = c(.52638, .51065)),
              factors = c("birthsw1549", "propw1549", "propw")),
  t2_4 = list(data = data.frame(pop = c("1970", "1980"), prop_m = c(.58, .72),
                                noncontr = c(.76, .97), abort = c(.84, .97), lact = c(.66, .56),
                                fecund = c(16.573, 16.158)),
              factors = c("prop_m", "noncontr", "abort", "lact", "fecund")),
  t4_3 = list(data = data.frame(
    stratum = rep(1:7, 2), pop = rep(c("1970", "1960"), each = 7),
    bm = c(488, 452, 338, 156, 63, 22, 3, 393, 407, 369, 274, 184, 90, 16),
    mw = c(.082, .527, .866, .941, .942, .923, .876, .122, .622, .903, .930, .916, .873, .800),
    wp = c(.058, .038, .032, .030, .026, .023, .019, .043, .041, .036, .032, .026, .020, .018)),
    factors = c("bm", "mw", "wp"), rate = "sum(bm*mw*wp)", id = "stratum"),
  t5_1 = list(data = data.frame(
    stratum = rep(1:13, 2), pop = rep(c("1970", "1985"), each = 13),
    size = c(12.9, 10.9, 9.5, 8.0, 7.8, 8.4, 8.6, 7.8, 7.0, 5.9, 4.7, 3.6, 4.9,
             10.1, 11.2, 11.6, 10.9, 9.4, 7.7, 6.3, 6.0, 6.3, 5.9, 5.1, 4.0, 5.5),
    rate = c(1.9, 25.8, 45.7, 49.6, 51.2, 51.6, 51.8, 54.9, 58.7, 60.4, 62.8, 66.6, 66.8,
             2.2, 24.3, 45.8, 52.5, 56.1, 55.6, 56.0, 57.4, 57.2, 61.2, 63.9, 68.6, 72.2)),
    factors = "rate", id = "stratum", cross = "size"),
  t5_3 = list(data = data.frame(
    stratum = rep(rep(1:2, each = 11), 2), stratum_2 = rep(rep(1:11, 2), 2),
    pop = rep(c("1985", "1970"), each = 22),
    size = c(3041, 11577, 27450, 32711, 35480, 27411, 19555, 19795, 15254, 8022, 2472,
             707, 2692, 6473, 6841, 6547, 4352, 3034, 2540, 1749, 804, 236,
             2968, 11484, 34614, 30992, 21983, 20314, 20928, 16897, 11339, 5720, 1315,
             535, 2162, 6120, 4781, 3096, 2718, 2363, 1767, 1149, 448, 117),
    rate = c(9.163, 0.462, 0.248, 0.929, 1.084, 1.810, 4.715, 12.187, 27.728, 64.068, 157.570,
             17.208, 0.738, 0.328, 1.103, 2.045, 3.724, 8.052, 17.812, 34.128, 68.276, 125.161,
             18.469, 0.751, 0.391, 1.146, 1.287, 2.672, 6.636, 15.691, 34.723, 79.763, 176.837,
             36.993, 1.352, 0.541, 2.040, 3.523, 6.746, 12.967, 24.471, 45.091, 74.902, 123.205)),
    factors = "rate", id = c("stratum", "stratum_2"), cross = "size")
)

inputs <- list()
results <- list()
for (name in names(examples)) {
  e <- examples[[name]]
  d <- e$data
  args <- list(d, pop = "pop", factors = e$factors)
  if (!is.null(e$rate)) args$ratefunction <- e$rate
  if (!is.null(e$id)) args$id_vars <- e$id
  if (!is.null(e$cross)) args$crossclassified <- e$cross
  r <- suppressMessages(do.call(dgnpop, args))
  r$pop <- as.character(r$pop)
  results[[name]] <- data.frame(example = name, factor = r$factor, population = r$pop,
                                rate = num(r$rate))
  value_columns <- setdiff(names(d), c("pop", "stratum", "stratum_2"))
  for (column in value_columns) {
    inputs[[length(inputs) + 1]] <- data.frame(
      example = name, population = as.character(d$pop),
      stratum = if ("stratum" %in% names(d)) as.character(d$stratum) else "",
      stratum_2 = if ("stratum_2" %in% names(d)) as.character(d$stratum_2) else "",
      factor = column, value = as.character(d[[column]]))
  }
}

write_table <- function(header, frame, name) {
  body <- apply(frame, 1, function(r) paste(r, collapse = ","))
  writeLines(c(header, paste(names(frame), collapse = ","), body), file.path(out, name),
             useBytes = TRUE)
}
write_table(c(
  "# Worked examples of Das Gupta's standardisation and decomposition of rates (inputs).",
  "# source: Das Gupta P (1993). Standardization and Decomposition of Rates: A User's Manual.",
  "#   U.S. Bureau of the Census, Current Population Reports P23-186. Tables 2.1 (mean earnings",
  "#   = earnings per earner x earners' share, US black and white men 1980), 2.2 (birth rate,",
  "#   Austria and Chile 1981, 3 factors), 2.4 (total fertility, South Korea 1970 and 1980, 5",
  "#   factors), 4.3 (crude birth rate, Taiwan 1960 and 1970, 3 vector factors over 7 age",
  "#   groups), 5.1 (household headship rates, US 1970 and 1985, 13 age groups: Kitagawa's",
  "#   case) and 5.3 (death rates per 1000, US 1970 and 1985, 2 races x 11 age groups).",
  "# obtained: as transcribed in DasGuptR's README (GitHub josiahpjking/DasGuptR, version",
  "#   2.1.0); the manual's own pages could not be consulted here. Written by",
  "#   scripts/decompose_reference.R.",
  "# columns: example, population, stratum (age group; race in 5_3), stratum_2 (age group in",
  "#   5_3), factor (a rate factor; size = a stratum's population or percent), value.",
  "# tolerance: data, no tolerance."
), do.call(rbind, inputs), "decompose_dasgupta_inputs.csv")
write_table(c(
  "# Das Gupta's standardised rates of the worked examples, by DasGuptR (run here).",
  paste0("# source: R ", R.version$major, ".", R.version$minor, ", DasGuptR ",
         packageVersion("DasGuptR"), " (GitHub josiahpjking/DasGuptR, built from its source",
         " here), dgnpop(); scripts/decompose_reference.R; inputs in",
         " decompose_dasgupta_inputs.csv."),
  "# obtained: dgnpop(data, pop, factors[, ratefunction, id_vars, crossclassified]): for each",
  "#   factor, the rate of each population with that factor its own and the others",
  "#   standardised (Das Gupta's eq. 3.54); factor 'crude' is the crude rate. A factor's effect",
  "#   is the difference of its two standardised rates. For 5_1 and 5_3 DasGuptR names the",
  "#   composition factors <stratum>_struct (5_3: stratum = race, stratum_2 = age).",
  "# columns: example, factor, population, rate.",
  "# tolerance: tests/stats/test_decompose.py compares standardised rates and effects to",
  "#   rtol 1e-12."
), do.call(rbind, results), "decompose_dasguptr.csv")
