"""Sources cited by the Belarus parameters (rows of the calibration table, papers)."""

CAL = "calibration CSV (shared/data/belarus_calibration.csv)"
"""How parameter sources cite the calibration table; rows are named by quantity and date."""

ASSUMPTION = "assumption, uncalibrated"
SRC_OFFICER = (
    f"{ASSUMPTION}: Dragu & Lupu (2018) coordination game (Comparative Political Studies), "
    "as operationalised in docs/MODEL.md, security loyalty; chosen so that about 1-2 % of officers "
    "resign in 2020 (row "
    f"'security officials who quit after election': >700, BySol via Telegraph, {CAL})"
)
SRC_ELITE = (
    f"{ASSUMPTION}: elite cascade (docs/MODEL.md, elite loyalty; after Bueno de Mesquita et "
    "al. 2003 and Dragu & Lupu 2018); "
    "chosen so that the "
    f"elite does not defect in 2020 (row 'Belarus case: elite defection in 2020' = 0, "
    f"Stykow 2022, {CAL})"
)
SRC_SELECTORATE = (
    f"{ASSUMPTION}: selectorate theory (Bueno de Mesquita, Smith, Siverson & "
    "Morrow 2003, The Logic of Political Survival), in a closed form of the project's own "
    "(docs/MODEL.md, revenue and the selectorate)"
)
SRC_ECONOMY = f"{ASSUMPTION}: economy equations of docs/MODEL.md: economy (functional form ours)"
SRC_HARDSHIP = (
    f"{ASSUMPTION}: hardship index (docs/MODEL.md, economy), price-threshold anchor "
    "Lagi, Bertrand & "
    "Bar-Yam (2011), arXiv:1108.2455; functional form ours"
)
SRC_SABOTAGE = f"{ASSUMPTION}: radical flank after Moro (2016), PLoS ONE 11(4): e0154175"
SRC_LEMOS = (
    "legitimacy feedback after Lemos, Lopes & Coelho (2016), Int. J. Intelligent Systems 31(2)"
)
SRC_ADMIN = (
    "Code of Administrative Offences art. 23.34: arrest up to 15 days [M, unverified]; many "
    f"August 2020 detainees were held ~3 days ({CAL}, Aug 2020 detention rows)"
)
SRC_CRIMINAL_TERM = (
    "Criminal Code art. 342 (up to 3 years) and art. 293 (mass riots, 3-8 years) [M, unverified]"
)
SRC_FALL = (
    f"{ASSUMPTION}: a majority defecting ends the regime; Chenoweth, Hocking & Marks (2022) "
    "count 10 % of pillars defected as a nonviolent victory (PLoS ONE 17(7), termination rule)"
)

HAND_SET = (
    "hand-set within its plausible range so that belarus-2020 reproduces the shape of the "
    "2020-21 calibration data before any fitting (docs/VALIDATION.md, 'Belarus 2020')"
)
SRC_SWITCH_BELARUS = "uprising model switch (docs/MODEL.md, 'The Belarus layer'); on by default"
