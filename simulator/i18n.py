"""The one translation table of the interface (Dutch first, English second), the labels of
the key figures and the formatting of numbers, amounts, shares and differences per language
(through Babel), used by the pages, the deck, the images and the CSV downloads. No UI
framework here: exports use it too."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Babel loads when a number is first formatted: the CLI's workers need none
    from babel import Locale
    from babel.numbers import NumberPattern

LANGUAGES = ("nl", "en")

TEXT: dict[str, tuple[str, str]] = {
    # navigation and shell
    "app_title": ("Jeugdzorg scenario-simulator", "Youth-care scenario simulator"),
    "page_workshop": ("Workshop", "Workshop"),
    "page_compare": ("Vergelijken", "Compare"),
    "page_sources": ("Bronnen", "Sources"),
    "page_about": ("Over het model", "About the model"),
    "page_sensitivity": ("Gevoeligheid", "Sensitivity"),
    "page_sweep": ("Raster", "Grid"),
    "sweep_intro": (
        "Twee instellingen tegelijk: elk punt van het raster is een volledige run met dezelfde seed, zodat een "
        "verschil tussen punten van de instellingen komt en niet van het toeval. Bijvoorbeeld: bij welke "
        "capaciteit en instroomdaling blijft de wachtlijst beheersbaar?",
        "Two settings at once: each point of the grid is a full run with the same seed, so a difference "
        "between points comes from the settings, not from chance. For example: at which capacity and inflow "
        "trend does the waiting list stay under control?",
    ),
    "sweep_too_few": (
        "Dit scenario heeft minder dan twee instellingen om te variëren.",
        "This scenario has fewer than two settings to vary.",
    ),
    "sweep_axis": ("Instelling {n}", "Setting {n}"),
    "sweep_from": ("Van", "From"),
    "sweep_to": ("Tot en met", "To"),
    "sweep_steps": ("Stappen", "Steps"),
    "sweep_same_path": ("Kies twee verschillende instellingen.", "Choose two different settings."),
    "sweep_points": (
        "{points} punten van {replications} replicaties (seed {seed}).",
        "{points} points of {replications} replications (seed {seed}).",
    ),
    "sweep_run": ("Bereken het raster", "Compute the grid"),
    "m_waiting_mean": ("Wachtlijst (jongeren)", "Waiting list (youths)"),
    "m_overflow_mean": ("Elders geplaatst (jongeren)", "Placed elsewhere (youths)"),
    "sens_intro": (
        "Welke onzekere aanname beweegt het antwoord het meest? Elke balk is het gemiddelde effect (μ*, "
        "Morris) van een aanname over haar hele bereik op de gekozen maat, in de eenheid van die maat; "
        "het streepje is de spreiding (σ): hoe sterk het effect van de andere aannames afhangt. Alle punten "
        "rekenen met dezelfde seed, zodat een verschil van de aanname komt en niet van het toeval.",
        "Which uncertain assumption moves the answer most? Each bar is the mean effect (μ*, Morris) of an "
        "assumption over its whole range on the chosen measure, in that measure's unit; the tick is the "
        "spread (σ): how much the effect depends on the other assumptions. Every point runs with the same "
        "seed, so a difference comes from the assumption, not from chance.",
    ),
    "sens_none": (
        "Geen scenario heeft een blok uncertainty met onzekere aannames. Voeg er een toe aan een "
        "scenariobestand (zie de README, 'Chance and uncertain assumptions') en upload het op de pagina "
        "Scenario's.",
        "No scenario has an uncertainty block of uncertain assumptions. Add one to a scenario file (see the "
        "README, 'Chance and uncertain assumptions') and upload it on the Scenarios page.",
    ),
    "sens_trajectories": ("Trajecten (Morris)", "Trajectories (Morris)"),
    "sens_trajectories_help": (
        "Meer trajecten geven een stabielere rangorde en kosten meer rekentijd: trajecten × (aannames + 1) runs.",
        "More trajectories give a steadier ranking and take longer: trajectories × (assumptions + 1) runs.",
    ),
    "sens_run": ("Bereken de gevoeligheid", "Compute the sensitivity"),
    "sens_points": (
        "{points} runs van {replications} replicaties (seed {seed}), {year}.",
        "{points} runs of {replications} replications (seed {seed}), {year}.",
    ),
    "sens_measure": ("Maat", "Measure"),
    "most_likely": ("meest waarschijnlijk", "most likely"),
    "sens_mu": ("Effect over het bereik (μ*)", "Effect over the range (μ*)"),
    "sens_sigma": ("Spreiding (σ)", "Spread (σ)"),
    "sens_assumption": ("Aanname", "Assumption"),
    "sens_range": ("Bereik", "Range"),
    "sens_table": ("sensitivity.csv", "sensitivity.csv"),
    "sens_deck": ("Presentatie (.pptx)", "Slides (.pptx)"),
    "sweep_deck": ("Presentatie (.pptx)", "Slides (.pptx)"),
    "m_beds_needed": ("Bedden nodig", "Beds needed"),
    "m_delayed_share_mean": ("Aandeel met wachttijd", "Delayed share"),
    "m_cost_mean": ("Kosten (€)", "Cost (€)"),
    "m_occupancy_mean": ("Gemiddelde bezetting (jongeren)", "Mean occupancy (youths)"),
    "p_initial": ("Aanwezig bij de start", "Present at the start"),
    "p_inflow_per_year": ("Instroom per jaar", "Inflow per year"),
    "p_stay_months": ("Verblijfsduur (maanden)", "Stay (months)"),
    "p_stay_cv": ("Spreiding verblijfsduur", "Spread of the stay"),
    "p_max_wait_months": ("Langste wachttijd (maanden)", "Longest wait (months)"),
    "p_escalation_per_year": ("Escalatie naar {to} (per jaar)", "Escalation to {to} (a year)"),
    "p_inflow_change_per_year": ("instroom per jaar", "inflow a year"),
    "p_inflow_factor": ("instroomfactor", "inflow factor"),
    "p_stay_factor": ("verblijfsfactor", "stay factor"),
    "p_escalation_factor": ("escalatiefactor", "escalation factor"),
    "p_capacity": ("Capaciteit", "Capacity"),
    "p_cost_per_day": ("Tarief per dag", "Tariff a day"),
    "language": ("Taal / language", "Taal / language"),
    # workshop: scenario
    "scenario": ("Scenario", "Scenario"),
    "scenario_help": (
        "Scenario-bestanden uit de map scenarios/.",
        "Scenario files from the scenarios/ folder.",
    ),
    "region": ("Regio", "Region"),
    "invalid_scenario": (
        "Dit scenario-bestand is niet geldig; kies een ander of herstel het bestand.",
        "This scenario file is not valid; choose another or fix the file.",
    ),
    "no_scenarios": (
        "Geen geldige scenario's gevonden in scenarios/.",
        "No valid scenarios found in scenarios/.",
    ),
    # workshop: levers
    "levers": ("Knoppen", "Levers"),
    "policy_year": ("Beleid gaat in per", "Policy starts in"),
    "policy_year_help": (
        "Vanaf 1 januari van dit jaar gelden de gewijzigde knoppen (instroom, verblijfsduur, "
        "escalatie) en de doelcapaciteit.",
        "From 1 January of this year the changed levers (inflow, stay, escalation) and the "
        "target capacity apply.",
    ),
    "horizon": ("Horizon (jaren)", "Horizon (years)"),
    "horizon_help": (
        "Aantal jaren dat gesimuleerd wordt, vanaf de start van het scenario.",
        "Number of years simulated from the scenario's start.",
    ),
    "inflow_change": ("Instroom {label}: verandering per jaar (%)", "Inflow {label}: change per year (%)"),
    "inflow_change_help": (
        "Jaarlijkse verandering van de nieuwe instroom, samengesteld vanaf het beleidsjaar "
        "(-5% per jaar: 30 → 28,5 → 27,1). Standaard: het scenario ({default}). "
        "IJsselland streeft naar -5% per jaar in JeugdzorgPlus (000_b592895632c64cfd.txt).",
        "Yearly change of new inflow, compounding from the policy year (-5% per year: "
        "30 → 28.5 → 27.1). Default: the scenario ({default}). IJsselland aims at -5% per "
        "year in JeugdzorgPlus (000_b592895632c64cfd.txt).",
    ),
    "stay": ("Gemiddelde verblijfsduur {label} (maanden)", "Average stay {label} (months)"),
    "stay_help": (
        "Gemiddelde duur van een verblijf dat vanaf het beleidsjaar begint. Standaard: het scenario "
        "({default} mnd). ThuisBest beperkt JeugdzorgPlus tot 6-8 weken plus intensieve ambulante hulp; "
        "Zuid-West noemt 5 maanden gemiddeld in 2021 (003_57c2bcb7dae6ac69.txt).",
        "Average length of stays starting from the policy year. Default: the scenario ({default} "
        "months). ThuisBest limits JeugdzorgPlus to 6-8 weeks plus intensive outpatient help; "
        "Zuid-West reports 5 months on average in 2021 (003_57c2bcb7dae6ac69.txt).",
    ),
    "escalation": ("Escalatie vanuit {label} (% verandering)", "Escalation from {label} (% change)"),
    "extended": (
        "Door naar verlengde zorg bij de leeftijdsgrens ({limit} jaar, %)",
        "Continuing to extended care at the age limit ({limit}, %)",
    ),
    "extended_help": (
        "Het deel van de jeugdigen dat bij de leeftijdsgrens van {label} ({limit} jaar) doorgaat in "
        "{targets} in plaats van de zorg te verlaten; in het scenario: {default}%. Verlengde jeugdhulp "
        "loopt onder de Jeugdwet tot hoogstens 23 jaar.",
        "The share of youths who, at the age limit of {label} ({limit}), go on in {targets} instead of "
        "leaving care; in the scenario: {default}%. Extended youth care runs to 23 at most under the "
        "Jeugdwet.",
    ),
    "age_section": ("Leeftijd", "Age"),
    "age_care_type": ("Zorgvorm", "Care type"),
    "age_years": ("jaar", "years"),
    "age_band": ("Leeftijd", "Age"),
    "age_chart_title": ("{label}: jeugdigen in zorg per leeftijd", "{label}: youths in care by age"),
    "age_in_care_in": ("In zorg {year}", "In care {year}"),
    "age_change": ("Verschil", "Change"),
    "age_aged_out_in": ("Grens bereikt {year}", "Age limit {year}"),
    "age_caption": (
        "Gemiddeld aantal jeugdigen in {label} (regionaal of elders geplaatst) per leeftijdsgroep in "
        "{first} en {year}, met P10–P90 over de replicaties; het verschil is {year} min {first}. "
        "'Grens bereikt': jeugdigen die {label} in {year} verlieten omdat ze de leeftijdsgrens "
        "bereikten (naar verlengde zorg of uit de zorg). Stippellijnen: het ongewijzigde scenario.",
        "Mean number of youths in {label} (placed in the region or elsewhere) per age band in {first} "
        "and {year}, with P10–P90 across replications; the change is {year} minus {first}. 'Age "
        "limit': youths who left {label} in {year} because they reached its age limit (to extended "
        "care or out of care). Dashed: the unchanged scenario.",
    ),
    "young": ("Nieuwe jeugdigen {band} jaar (% verandering)", "New youths aged {band} (% change)"),
    "young_help": (
        "Verandering van het aantal nieuwe jeugdigen van {band} jaar dat {label} binnenkomt, vanaf het "
        "beleidsjaar; de andere leeftijden blijven gelijk. Foodvalley: '5 kinderen (onder 12) minder in "
        "residentiële zorg dan in 2019' (002_d56350ae87b71be5.txt).",
        "Change in the number of new youths aged {band} entering {label}, from the policy year; the "
        "other ages stay the same. Foodvalley: '5 children (under 12) fewer in residential care than in "
        "2019' (002_d56350ae87b71be5.txt).",
    ),
    "escalation_help": (
        "Verandering van de kans per jaar dat een verblijf vroegtijdig eindigt in een zwaardere "
        "vorm ({targets}). -30% = bijvoorbeeld 'pleegzorg-breakdowns -30%'; 'crisis leidt tot "
        "uithuisplaatsing 50% → 25%' is -50% vanuit thuis (Foodvalley, 002_d56350ae87b71be5.txt).",
        "Change of the yearly hazard that a stay ends early in a heavier care type ({targets}). "
        "-30% = e.g. 'foster care breakdowns -30%'; 'crisis leads to out-of-home placement "
        "50% → 25%' is -50% from home (Foodvalley, 002_d56350ae87b71be5.txt).",
    ),
    "capacity_start": ("Capaciteit {label} in {year} (plaatsen)", "Capacity {label} in {year} (places)"),
    "capacity_target": (
        "Capaciteit {label} vanaf beleidsjaar (plaatsen)",
        "Capacity {label} from policy year (places)",
    ),
    "capacity_help": (
        "Aantal regionale plaatsen. Een lagere capaciteit zet niemand op straat: opnames wachten "
        "of gaan buiten de regio tot de bezetting onder de capaciteit zakt. Zuid-West: 57 plaatsen "
        "in 2021, 43 nodig in 2022 (003_57c2bcb7dae6ac69.txt). Standaard: {default}.",
        "Number of regional places. A lower capacity evicts nobody: admissions wait or go "
        "outside the region until occupancy falls below it. Zuid-West: 57 places in 2021, 43 "
        "needed in 2022 (003_57c2bcb7dae6ac69.txt). Default: {default}.",
    ),
    "reset": ("Terug naar scenario", "Reset to scenario"),
    "reset_help": (
        "Zet alle knoppen terug op de waarden uit het scenario-bestand.",
        "Set every lever back to the values in the scenario file.",
    ),
    "kpi_year": ("Kengetallen voor jaar", "Key figures for year"),
    # KPIs
    "kpi_beds": ("Bedden {label} ({year})", "Beds {label} ({year})"),
    "kpi_beds_help": (
        "Bedden nodig / capaciteit. Bedden nodig: plaatsen nodig zodat {level} van de jongeren in {year} "
        "direct terecht kan (niet wacht en niet buiten de regio), berekend uit de aangeboden last "
        "(Erlang B of C); P10-P90: {p10}-{p90}. Verschil: t.o.v. het ongewijzigde scenario. Capaciteit "
        "eind {year}: {capacity}.",
        "Beds needed / capacity. Beds needed: places needed so that {level} of the youths in {year} can be "
        "placed at once (neither wait nor go outside the region), from the offered load (Erlang B or "
        "C); P10-P90: {p10}-{p90}. Delta: against the unchanged scenario. Capacity at the end of {year}: "
        "{capacity}.",
    ),
    "kpi_rate": ("Bezettingsgraad ({year})", "Occupancy rate ({year})"),
    "kpi_rate_help": (
        "{label}: bezette regionale plaatsen / capaciteit in {year}; P10-P90: {p10}-{p90}. Tarieven dekken de "
        "kosten vanaf ongeveer 90% (Jeugdautoriteit). {delayed} van de jongeren kon niet direct terecht.",
        "{label}: occupied regional places / capacity in {year}; P10-P90: {p10}-{p90}. Tariffs cover costs from "
        "about 90% (Jeugdautoriteit). {delayed} of the youths could not be placed at once.",
    ),
    "kpi_residential": ("Jeugdigen in verblijf ({year})", "Youths in out-of-home care ({year})"),
    "kpi_residential_help": (
        "Gemiddeld aantal jeugdigen in zorg buiten huis ({types}), ook buiten de regio, "
        "{year}; P10-P90: {p10}-{p90}.",
        "Mean number of youths in out-of-home care ({types}), outside the region included, "
        "{year}; P10-P90: {p10}-{p90}.",
    ),
    "kpi_waiting": ("Wachtlijst ({year})", "Waiting list ({year})"),
    "kpi_waiting_help": (
        "Gemiddeld aantal wachtenden over alle zorgvormen, {year}; P10-P90: {p10}-{p90}.",
        "Mean number waiting over all care types, {year}; P10-P90: {p10}-{p90}.",
    ),
    "kpi_overflow": ("Buiten de regio ({year})", "Outside the region ({year})"),
    "kpi_overflow_help": (
        "Gemiddeld aantal jeugdigen buiten de regio geplaatst omdat de plaatsen vol waren, "
        "{year}; P10-P90: {p10}-{p90}.",
        "Mean number of youths placed outside the region because places were full, {year}; "
        "P10-P90: {p10}-{p90}.",
    ),
    "kpi_cost": ("Kosten per jaar ({year})", "Cost per year ({year})"),
    "kpi_cost_help": (
        "Kosten van alle verblijf (regionaal en buiten de regio) in {year}; P10-P90: {p10}-{p90}.",
        "Cost of all care (regional and outside the region) in {year}; P10-P90: {p10}-{p90}.",
    ),
    "youths": ("jeugdigen", "youths"),
    # charts
    "chart_occupancy": ("Bezetting per zorgvorm", "Occupancy per care type"),
    "chart_occupancy_caption": (
        "Band: P10-P90 over {n} replicaties; lijn: gemiddelde; trap: capaciteit; "
        "grijs: ongewijzigd scenario; gestreept: verwachting zonder capaciteitsgrens.",
        "Band: P10-P90 over {n} replications; line: mean; steps: capacity; grey: "
        "unchanged scenario; dashed: expectation without capacity limit.",
    ),
    "chart_beds": ("Bedden nodig en capaciteit per jaar", "Beds needed and capacity per year"),
    "chart_beds_caption": (
        "Bedden nodig: plaatsen nodig zodat {level} van de jongeren direct terecht kan.",
        "Beds needed: places needed so that {level} of the youths can be placed at once.",
    ),
    "chart_tradeoff": (
        "Afweging capaciteit ({year}): direct geplaatst tegen bezettingsgraad",
        "Capacity trade-off ({year}): placed at once against occupancy rate",
    ),
    "chart_tradeoff_caption": (
        "Per aantal plaatsen: het deel van de jongeren dat niet direct terecht kan (wacht of "
        "gaat buiten de regio) en de bezettingsgraad, uit de aangeboden last (Erlang B of C); "
        "band P10-P90. Zwarte lijn: de capaciteit in {year}. Tarieven dekken de kosten vanaf "
        "ongeveer 90% bezetting (Jeugdautoriteit).",
        "Per number of places: the share of youths who cannot be placed at once (wait or go "
        "outside the region) and the occupancy rate, from the offered load (Erlang B or C); band "
        "P10-P90. Black line: the capacity in {year}. Tariffs cover costs from about 90% "
        "occupancy (Jeugdautoriteit).",
    ),
    "tradeoff_delayed": ("Niet direct geplaatst", "Not placed at once"),
    "tradeoff_rate": ("Bezettingsgraad", "Occupancy rate"),
    "tradeoff_share": ("Aandeel", "Share"),
    "tradeoff_places": ("Plaatsen", "Places"),
    "tradeoff_norm": ("90%: tarieven dekken de kosten", "90%: tariffs cover costs"),
    "tradeoff_level": ("{level}: norm direct plaatsen", "{level}: placement norm"),
    "chart_waiting": (
        "Wachtlijst, buiten de regio en wacht op doorstroom",
        "Waiting list, outside the region and waiting to move on",
    ),
    "blocked": ("Wacht op doorstroom", "Waiting to move on"),
    "chart_cost": ("Kosten per jaar", "Cost per year"),
    "chart_flows": (
        "Stromen tussen zorgvormen (gemiddeld per jaar)",
        "Flows between care types (mean per year)",
    ),
    "month": ("Maand", "Month"),
    "year": ("Jaar", "Year"),
    "care_type": ("Zorgvorm", "Care type"),
    "occupancy": ("Bezetting (jeugdigen)", "Occupancy (youths)"),
    "mean": ("Gemiddelde", "Mean"),
    "capacity": ("Capaciteit", "Capacity"),
    "legend_mean": ("Bezetting (gemiddelde)", "Occupancy (mean)"),
    "legend_beds_needed": ("Bedden nodig per jaar", "Beds needed per year"),
    "legend_unchanged": ("Ongewijzigd scenario", "Unchanged scenario"),
    "present": ("Presentatie", "Presentation"),
    "present_help": (
        "Alleen de kengetallen en de hoofdgrafiek, groot, zonder knoppen: voor de beamer. "
        "De knoppen houden hun stand; zet de schakelaar uit om ze terug te zien. De link "
        "onthoudt de stand.",
        "Only the key figures and the main chart, large, without levers: for the projector. "
        "The levers keep their values; switch this off to see them again. The link remembers it.",
    ),
    "about_scenario": ("Over dit scenario", "About this scenario"),
    "expected": ("Verwachting zonder grens", "Expected without limit"),
    "beds_needed": ("Bedden nodig", "Beds needed"),
    "waiting": ("Wachtlijst", "Waiting list"),
    "overflow": ("Buiten de regio", "Outside the region"),
    "measure": ("Maat", "Measure"),
    "cost_meur": ("Kosten (mln euro)", "Cost (million euro)"),
    "new": ("instroom", "inflow"),
    "exit": ("uitstroom", "exit"),
    "running": ("Simuleren: {done} van {total} replicaties…", "Simulating: {done} of {total} replications…"),
    "running_left": (
        "Simuleren: {done} van {total} replicaties, nog ongeveer {left}…",
        "Simulating: {done} of {total} replications, about {left} left…",
    ),
    "seconds_left": ("{n} s", "{n} s"),
    "minutes_left": ("{n} min", "{n} min"),
    "running_shared": (
        "Simuleren: dezelfde instellingen worden al voor een andere deelnemer berekend…",
        "Simulating: the same settings are already being computed for another participant…",
    ),
    "unlimited": ("onbeperkt", "unlimited"),
    "spread": ("Spreiding (P10–P90)", "Spread (P10–P90)"),
    "spread_both": ("Toeval + onzekere aannames", "Chance + uncertain assumptions"),
    "spread_chance": ("Alleen toeval", "Chance only"),
    "spread_help": (
        "Alleen toeval: elke replicatie rekent met de waarden uit het scenario; de band toont het toeval "
        "(wie wanneer instroomt, hoe lang een verblijf duurt). Toeval + onzekere aannames: elke replicatie "
        "trekt ook de onzekere aannames uit hun bereik ({paths}); de band toont beide.",
        "Chance only: every replication runs with the scenario's values; the band shows chance (who "
        "arrives when, how long a stay lasts). Chance + uncertain assumptions: every replication also draws "
        "the uncertain assumptions from their ranges ({paths}); the band shows both.",
    ),
    "spread_note_both": (
        "Band: toeval + {n} onzekere aannames.",
        "Band: chance + {n} uncertain assumptions.",
    ),
    "spread_note_chance": ("Band: alleen toeval.", "Band: chance only."),
    "computed_with": (
        "Berekend met {n} replicaties (seed {seed}).",
        "Computed with {n} replications (seed {seed}).",
    ),
    "provisional": (
        "Voorlopig: {done} van {total} replicaties; de cijfers worden nu verfijnd…",
        "Provisional: {done} of {total} replications; the figures are being refined…",
    ),
    # saving and sharing (workshop sidebar)
    "save_header": ("Opslaan en delen", "Save and share"),
    "save_name": ("Naam van het scenario", "Scenario name"),
    "save_name_help": (
        "De huidige knoppen worden opgeslagen als beleid 'Workshop' bovenop het gekozen scenario, in "
        "de map met opgeslagen scenario's (scenarios/saved/). Daarna staat het in de lijst en op "
        "Vergelijken.",
        "The current levers are saved as a policy 'Workshop' on top of the chosen scenario, in the "
        "folder of saved scenarios (scenarios/saved/). It then appears in the list and on Compare.",
    ),
    "save_default_name": ("{name} (workshop)", "{name} (workshop)"),
    "upload_button": ("Bestand kiezen", "Choose file"),
    "upload_limits": ("hoogstens {kb} kB per bestand · YAML", "at most {kb} kB per file · YAML"),
    "input_instructions": ("Enter om toe te passen", "Press Enter to apply"),
    "changed": ("Gewijzigd", "Changed"),
    "choose_one": ("Kies een scenario", "Choose a scenario"),
    "choose_more": ("Kies een of meer scenario's", "Choose one or more scenarios"),
    "link_ignored": (
        "Uit de link niet gebruikt (onbekend of buiten het bereik): {items}. De rest van de "
        "link is toegepast.",
        "Not used from the link (unknown or out of range): {items}. The rest of the link was applied.",
    ),
    "changed_name": ("{name} – gewijzigd: {changes}", "{name} – changed: {changes}"),
    "changed_levers": ("Knoppen in de workshop: {changes}.", "Workshop levers: {changes}."),
    "change_policy_year": ("beleid vanaf {old} → {new}", "policy from {old} → {new}"),
    "change_years": ("horizon {old} → {new} jaar", "horizon {old} → {new} years"),
    "change_inflow": ("instroom {label} {new}% per jaar", "inflow {label} {new}% a year"),
    "change_stay": ("verblijf {label} {old} → {new} maanden", "stay {label} {old} → {new} months"),
    "change_escalation": ("escalatie vanuit {label} {new}%", "escalation from {label} {new}%"),
    "change_extended": (
        "door naar verlengde zorg bij de leeftijdsgrens van {label} {old} → {new}",
        "continuing to extended care at the age limit of {label} {old} → {new}",
    ),
    "change_young": (
        "nieuwe jeugdigen van {band} jaar in {label} {new}%",
        "new youths aged {band} in {label} {new}%",
    ),
    "change_capacity_start": (
        "capaciteit {label} in {year} {old} → {new}",
        "capacity {label} in {year} {old} → {new}",
    ),
    "change_capacity": (
        "capaciteit {label} vanaf {year} {old} → {new}",
        "capacity {label} from {year} {old} → {new}",
    ),
    "save_replace": (
        "Vervang een opgeslagen scenario met dezelfde naam",
        "Replace a saved scenario of the same name",
    ),
    "save": ("Opslaan", "Save"),
    "saved_as": ("Opgeslagen als '{name}' ({file}).", "Saved as '{name}' ({file})."),
    "saved_description": (
        "Opgeslagen uit de workshop op {date}, op basis van '{base}'. {description}",
        "Saved from the workshop on {date}, based on '{base}'. {description}",
    ),
    "download_yaml": ("Download als YAML", "Download as YAML"),
    "download_yaml_help": (
        "Het scenario met de huidige knoppen als bestand, om te delen of later te uploaden.",
        "The scenario with the current levers as a file, to share or upload later.",
    ),
    "saved_title": ("{name} (opgeslagen)", "{name} (saved)"),
    "saved_title_team": ("{name} (opgeslagen, team {team})", "{name} (saved, team {team})"),
    # scenarios page
    "page_scenarios": ("Scenario's", "Scenarios"),
    "scenarios_intro": (
        "Upload een scenario-bestand of beheer de opgeslagen scenario's. Meegeleverde scenario's "
        "(scenarios/) worden nooit overschreven.",
        "Upload a scenario file or manage the saved scenarios. Shipped scenarios (scenarios/) are "
        "never overwritten.",
    ),
    "upload_header": ("Scenario uploaden", "Upload a scenario"),
    "upload_label": ("YAML-bestand (hoogstens 64 kB)", "YAML file (at most 64 kB)"),
    "upload_help": (
        "Het bestand wordt eerst gecontroleerd; bij een fout ziet u welk veld niet klopt en wordt er "
        "niets opgeslagen.",
        "The file is checked first; on an error you see which field is wrong and nothing is saved.",
    ),
    "template_download": ("Voorbeeldbestand", "Template file"),
    "template_help": (
        "Een volledig, geldig scenario (Zuid-West) om als begin te gebruiken.",
        "A complete, valid scenario (Zuid-West) to start from.",
    ),
    "upload_invalid": (
        "Dit bestand is geen geldig scenario; er is niets opgeslagen.",
        "This file is not a valid scenario; nothing was saved.",
    ),
    "upload_valid": (
        "Geldig scenario '{name}': {types} zorgvormen, {policies} beleidsmaatregelen. Kies een naam en "
        "sla het op.",
        "Valid scenario '{name}': {types} care types, {policies} policies. Choose a name and save it.",
    ),
    "saved_header": ("Opgeslagen scenario's", "Saved scenarios"),
    "saved_search": ("Zoeken in de opgeslagen scenario's", "Search the saved scenarios"),
    "saved_search_hint": ("een deel van de naam", "part of the name"),
    "saved_shown": (
        "{shown} van {found} gevonden getoond ({total} opgeslagen); verfijn de zoekterm voor meer",
        "showing {shown} of {found} found ({total} saved); refine the search for more",
    ),
    "saved_none": (
        "Nog geen opgeslagen scenario's. Sla er een op vanuit de workshop of upload een bestand.",
        "No saved scenarios yet. Save one from the workshop or upload a file.",
    ),
    "open_in_workshop": ("Openen in workshop", "Open in workshop"),
    "rename_label": ("Nieuwe naam", "New name"),
    "rename": ("Hernoemen", "Rename"),
    "renamed": ("Hernoemd tot '{name}' ({file}).", "Renamed to '{name}' ({file})."),
    "delete": ("Verwijderen", "Delete"),
    "delete_confirm": (
        "'{name}' verwijderen? Het gaat naar de prullenbak van het team, waaruit een teamlid het kan terugzetten.",
        "Delete '{name}'? It goes to the team's bin, from where a team member can restore it.",
    ),
    "delete_yes": ("Ja, verwijderen", "Yes, delete"),
    "delete_no": ("Nee", "No"),
    # compare page
    "compare_intro": (
        "Zet een basisscenario naast hoogstens vijf andere. Alle scenario's rekenen met de seed en het "
        "aantal replicaties van het basisscenario: dezelfde toevalsgetallen, zodat verschillen door "
        "beleid komen en niet door ruis.",
        "Put a baseline next to at most five other scenarios. All run with the baseline's seed and "
        "number of replications: the same random numbers, so differences are policy, not noise.",
    ),
    "baseline": ("Basisscenario", "Baseline"),
    "compare_with": ("Vergelijken met", "Compare with"),
    "compare_with_help": (
        "Hoogstens {n} scenario's: meegeleverd, opgeslagen, of de instellingen van de workshop "
        "(zodra de knoppen daar iets veranderen). De link in de adresbalk opent deze vergelijking.",
        "At most {n} scenarios: shipped, saved, or the workshop's settings (once its levers "
        "change something). The link in the address bar opens this comparison.",
    ),
    "compare_choose": (
        "Kies een of meer scenario's om met het basisscenario te vergelijken.",
        "Choose one or more scenarios to compare with the baseline.",
    ),
    "compare_aligned": (
        "Gerekend met seed {seed} en {n} replicaties voor alle scenario's.",
        "Computed with seed {seed} and {n} replications for every scenario.",
    ),
    "compare_no_common_years": (
        "Deze scenario's hebben geen jaar gemeen; kies scenario's met overlappende jaren.",
        "These scenarios share no year; choose scenarios whose years overlap.",
    ),
    "compare_kpis": ("Kengetallen {year}", "Key figures {year}"),
    "compare_kpis_caption": (
        "Waarde: gemiddelde over de replicaties (P10 – P90). Verschil: ten opzichte van het "
        "basisscenario, per replicatie (zelfde toevalsgetallen), gemiddeld, met P10 – P90 van "
        "dat verschil. Bedden nodig: plaatsen nodig zodat {level} van de jongeren direct terecht "
        "kan; het verschil daarvan heeft geen spreiding.",
        "Value: mean over the replications (P10 – P90). Difference: against the baseline, per "
        "replication (same random numbers), averaged, with the P10 – P90 of that difference. "
        "Beds needed: places needed so that {level} of the youths can be placed at once; its "
        "difference has no spread.",
    ),
    "compare_beds": ("Bedden nodig {care_type}", "Beds needed {care_type}"),
    "compare_in_care": ("Jeugdigen in verblijf", "Youths in out-of-home care"),
    "compare_waiting": ("Wachtlijst", "Waiting list"),
    "compare_overflow": ("Buiten de regio", "Outside the region"),
    "compare_cost": ("Kosten per jaar", "Cost per year"),
    "value_p10_p90": ("Waarde (P10 – P90)", "Value (P10 – P90)"),
    "difference_p10_p90": ("Verschil met basis (P10 – P90)", "Difference from baseline (P10 – P90)"),
    "compare_totals": ("Per jaar, alle zorgvormen samen", "Per year, all care types together"),
    "compare_parameters": ("Instellingen die verschillen", "Settings that differ"),
    "compare_same_parameters": ("Alle parameters zijn gelijk.", "All parameters are equal."),
    "compare_workshop_entry": ("Workshop, niet bewaard: {name}", "Workshop, not saved: {name}"),
    "compare_workshop_gone": (
        "De instellingen van de workshop zijn uit de vergelijking gehaald: hun scenario-bestand "
        "bestaat niet meer of is niet geldig, of de knoppen geven een combinatie die niet kan "
        "(de workshop zegt welke).",
        "The workshop's settings were taken out of the comparison: their scenario file no "
        "longer exists or is not valid, or the levers give a combination that cannot be (the "
        "workshop says which).",
    ),
    "compare_workshop_hint": (
        "De instellingen van de workshop staan ook in de lijsten ('Workshop, niet bewaard'): "
        "vergelijken kan zonder eerst op te slaan.",
        "The workshop's settings are in the lists too ('Workshop, not saved'): compare them "
        "without saving first.",
    ),
    "compare_link": (
        "Vergelijk met het ongewijzigde scenario",
        "Compare with the unchanged scenario",
    ),
    "compare_link_help": (
        "Opent Vergelijken met deze instellingen naast het scenario zonder wijzigingen. De link "
        "in de adresbalk van Vergelijken opent die vergelijking weer.",
        "Opens Compare with these settings beside the scenario without changes. The link in "
        "Compare's address bar opens that comparison again.",
    ),
    "compare_against_type": ("tegen {label} in de basis", "against {label} in the baseline"),
    "compare_difference_row": ("↳ verschil met basis", "↳ difference from baseline"),
    "compare_occupancy_caption": (
        "Lijn: gemiddelde bezetting, band: P10 – P90; gestreept: de capaciteit van elk scenario "
        "(in dezelfde kleur).",
        "Line: mean occupancy, band: P10 – P90; dashed: each scenario's capacity (in the same colour).",
    ),
    "compare_parameters_caption": (
        "Capaciteit zoals die geldt (uit het schema en het beleid), vanaf de maand waarin ze "
        "gaat verschillen. 'geen': het scenario heeft die instelling of dat beleid niet; 'niet "
        "in dit scenario': het heeft die zorgvorm niet, of rekent die maand niet.",
        "Capacity as in force (from the schedule and the policies), from the month in which it "
        "starts to differ. 'none': the scenario does not have that setting or policy; 'not in "
        "this scenario': it does not have that care type, or does not cover that month.",
    ),
    # settings in words (simulator/differences.py)
    "d_setting": ("Instelling", "Setting"),
    "d_region": ("Regio", "Region"),
    "d_start": ("Startmaand", "Start month"),
    "d_years": ("Horizon (jaren)", "Horizon (years)"),
    "d_replications": ("Replicaties", "Replications"),
    "d_seed": ("Seed", "Seed"),
    "d_service_level": ("Bedden nodig: aandeel direct geplaatst", "Beds needed: share placed at once"),
    "d_care_type": ("Zorgvorm {label} in het scenario", "Care type {label} in the scenario"),
    "d_initial": ("{label}: jongeren bij de start", "{label}: youths at the start"),
    "d_inflow": ("{label}: nieuwe instroom per jaar", "{label}: new inflow per year"),
    "d_stay": ("{label}: gemiddelde verblijfsduur (maanden)", "{label}: average stay (months)"),
    "d_stay_cv": ("{label}: spreiding verblijfsduur (cv)", "{label}: spread of stays (cv)"),
    "d_when_full": ("{label}: als het vol is", "{label}: when full"),
    "d_when_full_wait": ("wachtlijst", "waiting list"),
    "d_when_full_elsewhere": ("elders geplaatst", "placed elsewhere"),
    "d_max_wait": ("{label}: langste wachttijd (maanden)", "{label}: longest wait (months)"),
    "d_cost": ("{label}: kosten per dag", "{label}: cost per day"),
    "d_out_of_home": ("{label}: telt als verblijf", "{label}: counts as out-of-home"),
    "d_automatic": ("automatisch", "automatic"),
    "d_escalation": (
        "{label}: escalatie naar {target} (per jaar)",
        "{label}: escalation to {target} (per year)",
    ),
    "d_outflow": ("{label}: uitstroom naar {target}", "{label}: outflow to {target}"),
    "d_capacity": ("Capaciteit {label} vanaf {when}", "Capacity {label} from {when}"),
    "d_policy_from": ("Beleid '{policy}': gaat in", "Policy '{policy}': starts"),
    "d_policy_inflow_change": (
        "Beleid '{policy}': verandering instroom {label} per jaar",
        "Policy '{policy}': change in inflow {label} per year",
    ),
    "d_policy_inflow_factor": (
        "Beleid '{policy}': instroom {label} (factor)",
        "Policy '{policy}': inflow {label} (factor)",
    ),
    "d_policy_stay_factor": (
        "Beleid '{policy}': verblijfsduur {label} (factor)",
        "Policy '{policy}': stay {label} (factor)",
    ),
    "d_policy_escalation_factor": (
        "Beleid '{policy}': escalatie vanuit {label} (factor)",
        "Policy '{policy}': escalation from {label} (factor)",
    ),
    "d_age_bands": ("Leeftijdsgroepen (ondergrenzen, jaar)", "Age bands (lower edges, years)"),
    "d_age_limit": ("{label}: leeftijdsgrens (jaar)", "{label}: age limit (years)"),
    "d_at_age_limit": (
        "{label}: bij de leeftijdsgrens naar {target}",
        "{label}: at the age limit to {target}",
    ),
    "d_entry_age": (
        "{label}: instroom vanaf {edge} jaar (aandeel)",
        "{label}: inflow from age {edge} (share)",
    ),
    "d_escalation_by_age": (
        "{label}: escalatie vanaf {edge} jaar (factor)",
        "{label}: escalation from age {edge} (factor)",
    ),
    "d_stay_by_age": (
        "{label}: verblijf vanaf {edge} jaar (factor)",
        "{label}: stay from age {edge} (factor)",
    ),
    "d_policy_inflow_by_age": (
        "Beleid '{policy}': instroom {label} vanaf {edge} jaar (factor)",
        "Policy '{policy}': inflow {label} from age {edge} (factor)",
    ),
    "d_policy_at_age_limit": (
        "Beleid '{policy}': {label} bij de leeftijdsgrens naar {target}",
        "Policy '{policy}': {label} at the age limit to {target}",
    ),
    "d_policy_outflow": (
        "Beleid '{policy}': uitstroom {label} naar {target}",
        "Policy '{policy}': outflow {label} to {target}",
    ),
    "d_exit": ("einde jeugdhulp", "end of care"),
    "d_none": ("geen", "none"),
    "d_absent": ("niet in dit scenario", "not in this scenario"),
    "d_yes": ("ja", "yes"),
    "d_no": ("nee", "no"),
    "download_kpis": ("Download kengetallen (CSV)", "Download key figures (CSV)"),
    "download_parameters": (
        "Download instellingen die verschillen (CSV)",
        "Download settings that differ (CSV)",
    ),
    "settings_file": ("instellingen.csv", "settings.csv"),
    # exports (images, slides, workbook)
    "x_source_line": (
        "Bron: jeugdzorg-sim, scenario '{scenario}', {n} replicaties (seed {seed}), {date}. Band: P10-P90.",
        "Source: jeugdzorg-sim, scenario '{scenario}', {n} replications (seed {seed}), {date}. Band: P10-P90.",
    ),
    "x_source_compare": (
        "Bron: jeugdzorg-sim, {scenarios}; {n} replicaties (seed {seed}), {date}.",
        "Source: jeugdzorg-sim, {scenarios}; {n} replications (seed {seed}), {date}.",
    ),
    "x_occupancy_title": ("Bezetting {label}", "Occupancy {label}"),
    "x_file_occupancy": ("bezetting", "occupancy"),  # exported file names
    "x_file_beds": ("bedden", "beds"),
    "x_file_waiting": ("wachtlijst", "waiting"),
    "x_file_cost": ("kosten", "cost"),
    "x_file_flows": ("stromen", "flows"),
    "x_file_total": ("totaal", "total"),
    "x_flow_legend": (
        "Jeugdigen per jaar, gemiddeld. +: nieuwe instroom; →: uit zorg; boven: naar zwaardere zorg; "
        "onder: terug naar lichtere zorg.",
        "Youths per year, mean. +: new inflow; →: leaving care; above: to heavier care; below: back to "
        "lighter care.",
    ),
    "x_title_meta": (
        "{date} · simulatie, {n} replicaties · jeugdzorg-sim",
        "{date} · simulation, {n} replications · jeugdzorg-sim",
    ),
    "x_age_note": (
        "{scenario} · {n} replicaties · lijnen: gemiddelde per jaar; P10–P90 in de tabel · grens bereikt: "
        "jeugdigen die de zorgvorm verlieten omdat ze de leeftijdsgrens bereikten",
        "{scenario} · {n} replications · lines: yearly mean; P10–P90 in the table · age limit: youths who "
        "left the care type because they reached its age limit",
    ),
    "x_slide_note": (
        "{scenario} · {n} replicaties · lijnen: gemiddelde, gestreept: P10 en P90",
        "{scenario} · {n} replications · lines: mean, dashed: P10 and P90",
    ),
    "x_kpi_title": ("Kengetallen {year}", "Key figures {year}"),
    "x_kpi_beds": ("Bedden nodig / capaciteit {care_type}", "Beds needed / capacity {care_type}"),
    "x_difference_unchanged": ("Verschil met ongewijzigd", "Difference from unchanged"),
    "x_beds_of": ("Bedden nodig {label}", "Beds needed {label}"),
    "x_capacity_of": ("Capaciteit {label}", "Capacity {label}"),
    "x_assumptions_title": ("Aannames en bronnen", "Assumptions and sources"),
    "x_made_with": ("Gemaakt met jeugdzorg-sim {version}", "Made with jeugdzorg-sim {version}"),
    "x_sens_title": ("Gevoeligheid: {scenario}", "Sensitivity: {scenario}"),
    "x_sens_note": (
        "{scenario} · {n} replicaties per punt, seed {seed} · blauw: effect over het bereik (μ*), "
        "oranje: spreiding (σ)",
        "{scenario} · {n} replications a point, seed {seed} · blue: effect over the range (μ*), "
        "orange: spread (σ)",
    ),
    "x_sens_method": (
        "Methode: Morris (SALib), {inputs} onzekere aannames; elk punt met {n} replicaties en seed {seed}, "
        "dus hetzelfde toeval. μ*: gemiddeld effect van een aanname over haar hele bereik, in de eenheid "
        "van de maat; σ dicht bij μ* betekent dat het effect van de andere aannames afhangt.",
        "Method: Morris (SALib), {inputs} uncertain assumptions; every point with {n} replications and "
        "seed {seed}, so the same chance. μ*: the mean effect of an assumption over its whole range, in "
        "the measure's unit; σ near μ* means the effect depends on the other assumptions.",
    ),
    "x_sweep_title": ("Raster: {scenario}", "Grid: {scenario}"),
    "x_sweep_note": (
        "{scenario} · {n} replicaties per punt, seed {seed} · gemiddelde over de replicaties",
        "{scenario} · {n} replications a point, seed {seed} · mean over the replications",
    ),
    "x_sweep_method": (
        "Raster van {points} punten, elk punt het hele scenario met {n} replicaties en seed {seed}: "
        "een verschil tussen punten komt door de instellingen, niet door toeval.",
        "A grid of {points} points, every point the whole scenario with {n} replications and seed "
        "{seed}: a difference between points is the settings', not chance's.",
    ),
    "x_source_item": ("Bron: {source} ({what})", "Source: {source} ({what})"),
    "x_p10_p90": (
        "P10-P90: in 8 van de 10 gesimuleerde toekomsten ligt de uitkomst tussen P10 en P90.",
        "P10-P90: in 8 of 10 simulated futures the outcome lies between P10 and P90.",
    ),
    "x_beds_definition": (
        "Bedden nodig: plaatsen nodig zodat {level} van de jongeren direct terecht kan (niet wacht en "
        "niet buiten de regio), uit de aangeboden last: Erlang B bij plaatsen buiten de regio, Erlang C "
        "bij een wachtlijst, per maand gewogen met de aanvragen.",
        "Beds needed: places needed so that {level} of the youths can be placed at once (neither wait "
        "nor go outside the region), from the offered load: Erlang B when youths are placed "
        "elsewhere, Erlang C with a waiting list, month by month weighted by the requests.",
    ),
    "x_no_changes": (
        "Geen knoppen veranderd: het scenario zoals het is opgeslagen.",
        "No levers changed: the scenario as saved.",
    ),
    "x_tradeoff_note": (
        "Capaciteit in {year}: {places} plaatsen (gemiddeld over het jaar). Per aantal plaatsen: "
        "het deel dat niet direct terecht kan en de bezettingsgraad, uit de aangeboden last "
        "(Erlang B of C). Tarieven dekken de kosten vanaf ongeveer 90% bezetting (Jeugdautoriteit).",
        "Capacity in {year}: {places} places (averaged over the year). Per number of places: the "
        "share not placed at once and the occupancy rate, from the offered load (Erlang B or C). "
        "Tariffs cover costs from about 90% occupancy (Jeugdautoriteit).",
    ),
    "x_changed": ("Gewijzigd: {parameter}: {before} → {after}", "Changed: {parameter}: {before} → {after}"),
    "x_lever_inflow": (
        "Instroom {label}: {change}% per jaar vanaf {start}",
        "Inflow {label}: {change}% a year from {start}",
    ),
    "x_lever_stay": (
        "Gemiddelde verblijfsduur {label}: {months} maanden vanaf {start} (ook lopende verblijven)",
        "Average stay {label}: {months} months from {start} (stays under way too)",
    ),
    "x_lever_inflow_factor": (
        "Instroom {label} vanaf {start}: ×{factor}",
        "Inflow {label} from {start}: ×{factor}",
    ),
    "x_lever_escalation": (
        "Escalatie vanuit {label}: {change}% vanaf {start}",
        "Escalation from {label}: {change}% from {start}",
    ),
    "x_lever_capacity": (
        "Capaciteit {label}: {places} plaatsen vanaf {start}",
        "Capacity {label}: {places} places from {start}",
    ),
    "x_lever_outflow": (
        "Uitstroom {label} vanaf {start}: {shares}",
        "Outflow {label} from {start}: {shares}",
    ),
    "x_compare_title": ("Vergelijking met {baseline}", "Comparison with {baseline}"),
    "x_compare_note": (
        "Alle scenario's: {n} replicaties, seed {seed} (dezelfde toevalsgetallen)",
        "All scenarios: {n} replications, seed {seed} (the same random numbers)",
    ),
    "x_compare_kpi_note": (
        "Per cel: gemiddelde; daaronder het verschil met het basisscenario, per replicatie "
        "gepaard, met P10 – P90 van dat verschil.",
        "Per cell: the mean; under it the difference from the baseline, paired per "
        "replication, with the P10 – P90 of that difference.",
    ),
    "x_compare_aligned": (
        "Alle scenario's rekenen met seed {seed} en {n} replicaties: verschillen komen door beleid, "
        "niet door ruis.",
        "All scenarios run with seed {seed} and {n} replications: differences are policy, not noise.",
    ),
    "x_parameter": ("Parameter", "Parameter"),
    "x_cost_title": ("Kosten per jaar (mln euro)", "Cost per year (million euro)"),
    "export_header": ("Exporteren", "Export"),
    "export_intro": (
        "Een PowerPoint met bewerkbare grafieken, alle grafieken als PNG en SVG, en de tabellen als "
        "Excel en CSV; in de taal van de app, voor het jaar van de kengetallen.",
        "A PowerPoint with editable charts, every chart as PNG and SVG, and the tables as Excel and "
        "CSV; in the app's language, for the key figures' year.",
    ),
    "export_make": ("Maak export", "Make export"),
    "export_busy": ("Export maken: {what}…", "Making the export: {what}…"),
    "export_deck": ("PowerPoint (.pptx)", "PowerPoint (.pptx)"),
    "export_images": ("Afbeeldingen (.zip)", "Images (.zip)"),
    "export_workbook": ("Excel (.xlsx)", "Excel (.xlsx)"),
    "export_csv": ("CSV-bestanden (.zip; puntkomma, decimale komma)", "CSV files (.zip)"),
    "export_ready": (
        "Klaar in {seconds} s; kies hieronder wat u wilt downloaden.",
        "Ready in {seconds} s; pick below what to download.",
    ),
    # sources page
    "sources_intro": (
        "De regionale documenten waar de cijfers en scenario's op rusten.",
        "The regional documents the figures and scenarios rest on.",
    ),
    "data_tables": ("Tabellen in data/", "Tables in data/"),
    "data_tables_intro": (
        "Elke tabel: jaar, regio, zorgvorm, maat, detail, waarde, eenheid; met het brondocument "
        "en de sectie waaruit de cijfers komen. De scenario's worden hieruit berekend "
        "(simulator/calibrate.py).",
        "Every table: year, region, care type, measure, detail, value, unit; with the source "
        "document and section the figures come from. The scenarios are computed from these "
        "(simulator/calibrate.py).",
    ),
    "source_of": ("Bron: {source}, {section}. Gelezen: {what}", "Source: {source}, {section}. Read: {what}"),
    "backtest": (
        "Terugblik Gooi en Vechtstreek 2020-2023: model tegen werkelijkheid",
        "Looking back, Gooi en Vechtstreek 2020-2023: model against actual counts",
    ),
    "backtest_intro": (
        "Cliënten per jaar (unieke jeugdigen met zorg in dat jaar) volgens de voortgangsrapportage "
        "en volgens het scenario {scenario} (gemiddelde en P10-P90 over {n} replicaties). De jaren "
        "2020-2022 zijn gebruikt om de trend per categorie te kiezen; 2023 (voorlopig) niet. Binnen "
        "de marge: verschil hoogstens 3 x de wortel van het werkelijke aantal (de toevalsruis van "
        "een telling). {within} van de {total} binnen de marge; in 2023 {within_test} van de "
        "{total_test}.",
        "Clients per year (unique youths in care that year) in the progress report and in the "
        "scenario {scenario} (mean and P10-P90 over {n} replications). The years 2020-2022 were used "
        "to choose each category's trend; 2023 (provisional) was not. Within the margin: a difference "
        "of at most 3 x the square root of the actual count (the chance noise of a count). {within} "
        "of {total} within the margin; in 2023 {within_test} of {total_test}.",
    ),
    "backtest_nl": (
        "Terugblik Nederland 2023-2025: JeugdzorgPlus-bezetting",
        "Back-test Netherlands 2023-2025: JeugdzorgPlus occupancy",
    ),
    "backtest_nl_intro": (
        "Het preset '{scenario}' start op 1 januari 2023 met de gepubliceerde bezetting en volgt de "
        "trend van de plaatsingen 2019-2023. De bezetting eind 2023, medio 2024 en medio 2025 "
        "(Jeugdautoriteit) is niet gebruikt om te passen: {within} van {total} vallen binnen "
        "P10-P90 ({n} replicaties). Zwarte lijn: capaciteit, gedateerd op het moment van meten.",
        "The preset '{scenario}' starts on 1 January 2023 with the published occupancy and follows the "
        "trend of the placements 2019-2023. The occupancy at the end of 2023, mid 2024 and mid 2025 "
        "(Jeugdautoriteit) was not used to fit: {within} of {total} fall within P10-P90 ({n} "
        "replications). Black line: capacity, dated when it was measured.",
    ),
    "backtest_nl_start": ("start (gegeven)", "start (given)"),
    "backtest_nl_test": ("toets", "test"),
    "validation": (
        "Validatie per preset: wat is gepast en wat is getoetst",
        "Validation per preset: what was fitted and what was tested",
    ),
    "validation_intro": (
        "Elke bewering uit een bron, met de rol die ze had: 'gekalibreerd' (het model is erop gepast, "
        "dus een controle van het rekenwerk) of 'achtergehouden' (niet gebruikt om te passen: een echte "
        "toets). Een misser blijft staan, met de reden. Model: gemiddelde met P10-P90 over 30 "
        "replicaties. Tabel: docs/validation.csv (python -m simulator.validation).",
        "Every claim from a source, with its role: 'calibrated' (the model was fitted to it, so a "
        "check of the arithmetic) or 'held out' (not used to fit: a real test). A miss stays, with "
        "its reason. Model: mean with P10-P90 over 30 replications. Table: docs/validation.csv "
        "(python -m simulator.validation).",
    ),
    "role_calibrated": ("gekalibreerd", "calibrated"),
    "role_held_out": ("achtergehouden", "held out"),
    "status_pass": ("✓ klopt", "✓ pass"),
    "status_miss": ("✗ mist", "✗ miss"),
    "v_col_preset": ("Preset", "Preset"),
    "v_col_claim": ("Bron zegt", "Source says"),
    "v_col_target": ("Toets", "Check"),
    "v_col_role": ("Rol", "Role"),
    "v_col_source": ("Bron", "Source"),
    "v_col_model": ("Model (P10-P90)", "Model (P10-P90)"),
    "v_col_status": ("Uitkomst", "Result"),
    "v_col_reason": ("Reden van een misser", "Why it misses"),
    "assumptions": ("Aannames die de bronnen niet geven", "Assumptions the sources do not give"),
    "assumptions_intro": (
        "Per preset het hoofdgetal (bedden nodig in het beslisjaar en de kosten van dat jaar) bij de "
        "lage en hoge waarde van elke aanname; elke variant opnieuw gekalibreerd uit data/, 30 "
        "replicaties. Verschillen van 1-2 bedden liggen binnen de simulatieruis. Tabel: "
        "docs/assumptions.csv.",
        "Per preset the headline (beds needed in the decision year and that year's cost) at the low "
        "and high value of each assumption; every variant re-calibrated from data/, 30 replications. "
        "Differences of 1-2 beds are within the simulation noise. Table: docs/assumptions.csv.",
    ),
    "a_residential_stay_months": ("Verblijfsduur residentieel (maanden)", "Residential stay (months)"),
    "a_jz_reading": ("Lezing van '43 plaatsen nodig'", "Reading of '43 places needed'"),
    "a_region_share_factor": ("Regionaal aandeel (factor)", "Regional share (factor)"),
    "a_return_ratio": ("Plaatsingen per unieke jongere", "Placements per unique youth"),
    "a_jz_older_share": ("Aandeel JeugdzorgPlus-instroom van 16-18 jaar", "Share of JZ+ entries aged 16-18"),
    "a_extended_share": (
        "Aandeel dat op 18 doorgaat in verlengde zorg",
        "Share continuing in extended care at 18",
    ),
    "a_col_assumption": ("Aanname", "Assumption"),
    "a_col_low": ("Laag", "Low"),
    "a_col_base": ("Basis", "Base"),
    "a_col_high": ("Hoog", "High"),
    "a_col_headline": (
        "per aanname: waarde: bedden nodig ({care_type}, {year}) · kosten van de keten in {year}",
        "per assumption: value: beds needed ({care_type}, {year}) · cost of the chain in {year}",
    ),
    "backtest_fit": ("passend gemaakt (2020-2022)", "fitted (2020-2022)"),
    "backtest_test": ("toets (2023)", "test (2023)"),
    "clients": ("Cliënten per jaar", "Clients per year"),
    "actual": ("Werkelijk", "Actual"),
    "model": ("Model", "Model"),
    "difference": ("Verschil", "Difference"),
    "margin": ("Marge", "Margin"),
    "within_margin": ("Binnen marge", "Within margin"),
    "sample": ("Gebruik", "Use"),
    "warn_circular_wait": (
        "{members} hebben een capaciteit, een wachtlijst (when_full: wait) en sturen jeugdigen naar elkaar: als ze "
        "vol zijn, kunnen jeugdigen eindeloos op elkaars plek wachten (circulair wachten). Geef ten minste een "
        "ervan max_wait_months; na die tijd wordt een jeugdige buiten de regio geplaatst.",
        "{members} are limited, keep a waiting list (when_full: wait) and send youths to each other: when they are "
        "full, youths can wait for each other's places for ever (circular wait). Set max_wait_months on at least "
        "one of them; after that time a youth is placed elsewhere.",
    ),
    "error_generic": (
        "Er ging iets mis bij het rekenen. Probeer andere instellingen of herlaad de pagina.",
        "Something went wrong while computing. Try other settings or reload the page.",
    ),
}

# Validation messages of scenario files (simulator/scenario.py): the CLI shows them in English,
# the app in its language. Values are filled in by Message.
VALIDATION: dict[str, tuple[str, str]] = {
    "v_not_valid": ("{source} is geen geldig scenario:", "{source} is not a valid scenario:"),
    "v_year_month": (
        "verwacht een jaar en maand als JJJJ-MM (bijvoorbeeld 2022-01), niet {got}",
        "expected a year and month as YYYY-MM (for example 2022-01), got {got}",
    ),
    "v_shares_help": (
        "aandelen per bestemming (een zorgvorm of 'exit') die samen 1 zijn",
        "shares per destination (a care type or 'exit') that sum to 1",
    ),
    "v_shares_empty": ("minstens een bestemming nodig ({help})", "needs at least one destination ({help})"),
    "v_share_range": (
        "aandeel voor {dest} is {share}; elk aandeel ligt tussen 0 en 1",
        "share for {dest} is {share}; each share must be between 0 and 1",
    ),
    "s_no_uncertainty": (
        "het scenario heeft geen blok uncertainty: er is niets om te variëren",
        "the scenario has no uncertainty block: there is nothing to vary",
    ),
    "s_fixed": (
        "een bereik van één waarde kan niet gevarieerd worden: {paths}",
        "a range of one value cannot be varied: {paths}",
    ),
    "s_year_outside": ("het jaar {year} ligt buiten de horizon", "the year {year} lies outside the horizon"),
    "v_spread_order": (
        "low {low} ligt boven high {high}",
        "low {low} is above high {high}",
    ),
    "v_spread_at_sets": (
        "'at' en 'sets' horen bij elkaar: een benoemde aanname (assumptions.<naam>) heeft beide, een pad geen van beide",
        "'at' and 'sets' go together: a named assumption (assumptions.<name>) has both, a path neither",
    ),
    "v_spread_at_order": (
        "'at' heeft minstens twee waarden nodig, oplopend",
        "'at' needs at least two values, increasing",
    ),
    "v_spread_at_cover": (
        "'at' loopt van {first} tot {last} en dekt low {low} tot high {high} niet",
        "'at' runs from {first} to {last} and does not cover low {low} to high {high}",
    ),
    "v_spread_sets_length": (
        "sets.{path} heeft {n} waarden; 'at' heeft er {at}",
        "sets.{path} has {n} values; 'at' has {at}",
    ),
    "u_assumption_needs_sets": (
        "een benoemde aanname (assumptions.<naam>) zegt met 'at' en 'sets' welke invoer zij zet",
        "a named assumption (assumptions.<name>) says with 'at' and 'sets' which inputs it sets",
    ),
    "u_set_twice": (
        "{path} wordt al gezet door {other}",
        "{path} is already set by {other}",
    ),
    "v_spread_mode": (
        "mode {mode} ligt niet tussen low {low} en high {high}",
        "mode {mode} is not between low {low} and high {high}",
    ),
    "u_bad_path": (
        "geen pad naar een invoer; schrijf care_types.<zorgvorm>.<veld> of policies[<nummer>].<hefboom>.<zorgvorm>",
        "not a path to an input; write care_types.<care type>.<field> or policies[<number>].<lever>.<care type>",
    ),
    "u_no_care_type": ("geen zorgvorm {name}; bekend: {known}", "no care type {name}; known: {known}"),
    "u_no_policy": (
        "geen beleid nummer {k}; het scenario heeft er {count} (geteld vanaf 0)",
        "no policy number {k}; the scenario has {count} (counted from 0)",
    ),
    "u_shares": (
        "{field} kan niet onzeker zijn: aandelen moeten samen 1 blijven",
        "{field} cannot be uncertain: shares must keep summing to 1",
    ),
    "u_summarised": (
        "{field} kan (nog) niet onzeker zijn: bedden, kosten en capaciteitslijnen worden met één waarde samengevat",
        "{field} cannot be uncertain (yet): beds, costs and capacity lines are summarised with one value",
    ),
    "u_not_set": (
        "{field} staat niet in het scenario; geef het eerst een waarde",
        "{field} is not set in the scenario; give it a value first",
    ),
    "u_name_key": (
        "{field} is een tabel; noem de zorgvorm: {field}.<zorgvorm>",
        "{field} is a table; name the care type: {field}.<care type>",
    ),
    "u_no_key": (
        "{field} heeft geen {key}; in het scenario: {known}",
        "{field} has no {key}; in the scenario: {known}",
    ),
    "u_none": ("geen", "none"),
    "u_not_numeric": (
        "{field} is geen onzekere invoer; kies uit: {allowed}",
        "{field} is not an uncertain input; choose from: {allowed}",
    ),
    "u_end_invalid": ("met deze waarde: {where}: {message}", "with this value: {where}: {message}"),
    "v_shares_sum": (
        "de aandelen tellen op tot {total}; dat moet 1 zijn ({help})",
        "shares sum to {total}; they must sum to 1 ({help})",
    ),
    "v_capacity_word": ("capaciteit", "capacity"),
    "v_capacity_in": ("capaciteit in {year}", "capacity in {year}"),
    "v_whole_number": (
        "{what} moet een geheel getal zijn, niet {got}",
        "{what} must be a whole number, got {got}",
    ),
    "v_capacity_empty": (
        "een capaciteitsschema heeft minstens een jaar nodig, bijvoorbeeld {{2021: 57, 2022: 43}}",
        "a capacity schedule needs at least one year, e.g. {{2021: 57, 2022: 43}}",
    ),
    "v_capacity_year": (
        "sleutel {got} in het capaciteitsschema is geen jaartal (2022) of maand (2024-07)",
        "capacity schedule key {got} is not a year (2022) or a month (2024-07)",
    ),
    "v_capacity_twice": (
        "datum {got} staat twee keer in het capaciteitsschema (2022 en 2022-01 zijn dezelfde datum)",
        "date {got} appears twice in the capacity schedule (2022 and 2022-01 are the same date)",
    ),
    "v_policy_outside": (
        "beleid vanaf {date} valt buiten de horizon van het scenario ({start} tot en met {end}); "
        "kies een datum binnen de horizon of verleng years",
        "a policy from {date} lies outside the scenario's horizon ({start} to {end}); choose a date "
        "within the horizon or extend years",
    ),
    "v_capacity_type": (
        "verwacht een aantal plaatsen (of null voor onbeperkt), geen mapping",
        "expected a number of places (or null for unlimited), got a mapping",
    ),
    "v_capacity_range": (
        "{what} moet tussen 0 en {max} liggen, niet {got}",
        "{what} must be between 0 and {max}, got {got}",
    ),
    "v_what_escalation_rate": ("escalatiekans per jaar", "escalation rate per year"),
    "v_what_inflow_change": ("jaarlijkse instroomverandering", "yearly inflow change"),
    "v_what_stay_factor": ("verblijfsfactor", "stay factor"),
    "v_what_escalation_factor": ("escalatiefactor", "escalation factor"),
    "v_what_inflow_factor": ("instroomfactor", "inflow factor"),
    "v_what_escalation_by_age": ("escalatiefactor naar leeftijd", "escalation factor by age"),
    "v_what_stay_by_age": ("verblijfsfactor naar leeftijd", "stay factor by age"),
    "v_what_inflow_by_age": ("instroomfactor naar leeftijd", "inflow factor by age"),
    "v_age_shares_help": (
        "aandelen per leeftijdsgroep, met de ondergrens als sleutel: {{12: 0.6, 16: 0.4}}",
        "shares per age band, keyed by its lower edge: {{12: 0.6, 16: 0.4}}",
    ),
    "v_age_bands_few": (
        "geef minstens twee leeftijdsgrenzen, bijvoorbeeld [0, 12, 16, 18]",
        "give at least two age edges, e.g. [0, 12, 16, 18]",
    ),
    "v_age_bands_range": (
        "leeftijdsgrenzen liggen van 0 tot en met {max} jaar, niet {got}",
        "age edges lie from 0 to {max} years, got {got}",
    ),
    "v_age_bands_order": (
        "leeftijdsgrenzen moeten oplopen (elke groter dan de vorige), niet {got}",
        "age edges must increase (each above the one before), got {got}",
    ),
    "v_age_without_bands": (
        "dit veld vraagt om een blok 'age' met leeftijdsgroepen (age: {{bands: [0, 12, 16, 18]}})",
        "this field needs an 'age' block with age bands (age: {{bands: [0, 12, 16, 18]}})",
    ),
    "v_age_route_self": (
        "wie in {name} de leeftijdsgrens bereikt, kan niet naar {name} zelf",
        "a youth who reaches the age limit in {name} cannot move to {name} itself",
    ),
    "v_age_route_limit": (
        "{dest} heeft leeftijdsgrens {dest_limit}, niet hoger dan die van {name} ({limit}): wie daar "
        "aankomt, bereikt meteen weer de grens; geef {dest} een hogere age_limit",
        "{dest} has age limit {dest_limit}, not above that of {name} ({limit}): a youth arriving there "
        "would reach the limit at once; give {dest} a higher age_limit",
    ),
    "v_age_limit_low": (
        "leeftijdsgrens {limit} ligt onder de laatste grens van age.bands ({last})",
        "age limit {limit} lies below the last edge of age.bands ({last})",
    ),
    "v_age_not_edge": (
        "{edge} is geen ondergrens van een leeftijdsgroep hier; kies uit {edges} (leeftijdsgrens {limit})",
        "{edge} is not the lower edge of an age band here; choose from {edges} (age limit {limit})",
    ),
    "v_age_not_entry": (
        "{edge} is geen leeftijdsgroep waarin nieuwe jeugdigen {name} binnenkomen (entry_age: {edges})",
        "{edge} is not an age band in which new youths enter {name} (entry_age: {edges})",
    ),
    "v_age_entry_missing": (
        "{name} heeft instroom of jeugdigen bij de start: geef hun leeftijd met entry_age, "
        "bijvoorbeeld {{12: 0.6, 16: 0.4}}",
        "{name} has inflow or youths at the start: give their ages with entry_age, e.g. {{12: 0.6, 16: 0.4}}",
    ),
    "v_range_between": (
        "{what} voor {key} is {number}; dat moet tussen {low} en {high} liggen{hint}",
        "{what} for {key} is {number}; it must be between {low} and {high}{hint}",
    ),
    "v_range_above": (
        "{what} voor {key} is {number}; dat moet boven {low} en hoogstens {high} zijn{hint}",
        "{what} for {key} is {number}; it must be above {low} and at most {high}{hint}",
    ),
    "v_hint_fraction": (" (een fractie: -0,05 is -5% per jaar)", " (a fraction: -0.05 is -5% per year)"),
    "v_policy_capacity_type": (
        "verwacht een mapping van zorgvorm naar capaciteit, bijvoorbeeld {{jzplus: 43}}",
        "expected a mapping of care type to capacity, e.g. {{jzplus: 43}}",
    ),
    "v_care_types_empty": (
        "een scenario heeft minstens een zorgvorm nodig",
        "a scenario needs at least one care type",
    ),
    "v_care_types_many": ("hoogstens {max} zorgvormen", "at most {max} care types"),
    "v_did_you_mean": (" (bedoelt u {name}?)", " (did you mean {name}?)"),
    "v_not_care_type": (
        "{name} is geen zorgvorm{hint}; bekende zorgvormen: {known}",
        "{name} is not a care type{hint}; known care types: {known}",
    ),
    "v_not_care_type_or_exit": (
        "{name} is geen zorgvorm of exit{hint}; bekende zorgvormen: {known}",
        "{name} is not a care type or exit{hint}; known care types: {known}",
    ),
    "v_bad_type_name": (
        "{name} kan geen naam van een zorgvorm zijn: gebruik kleine letters, cijfers en _ (beginnend "
        "met een letter), en niet 'exit' of 'new'; zet de weergavenaam in label",
        "{name} cannot be a care type name: use lowercase letters, digits and _ (starting with a "
        "letter), and not 'exit' or 'new'; put the display name in label",
    ),
    "v_escalation_heavier": (
        "escalatie gaat naar een zwaardere zorgvorm (na {name} genoemd); {dest} is dat niet",
        "escalation goes to a heavier care type (listed after {name}); {dest} is not",
    ),
    "v_self_flow": (
        "een verblijf in {name} kan niet uitstromen naar {name} zelf",
        "a stay in {name} cannot flow into {name} itself",
    ),
    "v_schedule_after_start": (
        "het capaciteitsschema begint in {first}, na de start van het scenario ({start}); "
        "geef de capaciteit vanaf het startjaar",
        "the capacity schedule starts in {first}, after the scenario start {start}; give "
        "the capacity from the start year on",
    ),
    "v_total_initial": (
        "{total} jeugdigen bij de start in totaal; hoogstens {max}",
        "{total} initial youths in all; at most {max}",
    ),
    "v_peak_inflow": (
        "de totale instroom bereikt {peak} jeugdigen per jaar (beleid meegerekend); hoogstens {max}",
        "total inflow reaches {peak} youths per year (policies included); at most {max}",
    ),
    "v_trapped": (
        "jeugdigen in {name} kunnen de zorg nooit verlaten: geen keten van uitstroom leidt naar 'exit'",
        "youths in {name} can never leave care: no chain of outflow leads to 'exit'",
    ),
    "v_unknown_field": (
        "onbekend veld{hint}; toegestaan hier: {allowed}",
        "unknown field{hint}; allowed here: {allowed}",
    ),
    "v_got": (" (gegeven: {got})", " (got {got})"),
    "v_joined": ("{first}{second}", "{first}{second}"),
    "v_raw": ("{text}", "{text}"),  # a rare pydantic error in its own (English) words
    "v_missing": ("verplicht veld ontbreekt", "required field is missing"),
    "v_int": ("verwacht een geheel getal", "expected a whole number"),
    "v_float": ("verwacht een getal", "expected a number"),
    "v_finite": ("verwacht een eindig getal", "expected a finite number"),
    "v_dict": ("verwacht een mapping (sleutel: waarde)", "expected a mapping (key: value)"),
    "v_list": ("verwacht een lijst", "expected a list"),
    "v_string": ("verwacht tekst", "expected text"),
    "v_ge": ("moet minstens {limit} zijn", "must be at least {limit}"),
    "v_gt": ("moet groter zijn dan {limit}", "must be greater than {limit}"),
    "v_le": ("mag hoogstens {limit} zijn", "must be at most {limit}"),
    "v_lt": ("moet kleiner zijn dan {limit}", "must be less than {limit}"),
    "v_too_short": ("mag niet leeg zijn", "must not be empty"),
    "v_too_long": ("is te lang (hoogstens {limit} tekens)", "is too long (at most {limit} characters)"),
    "v_literal": ("verwacht een van: {expected}", "expected one of: {expected}"),
    "v_not_mapping": (
        "verwacht een mapping van scenariovelden (name, start, care_types, ...), niet {kind}",
        "expected a mapping of scenario fields (name, start, care_types, ...), got {kind}",
    ),
    "v_file_bytes": (
        "het bestand is {size} bytes; een scenariobestand is hoogstens {max}",
        "file is {size} bytes; a scenario file is at most {max}",
    ),
    "v_file_chars": (
        "het bestand is {size} tekens; een scenariobestand is hoogstens {max}",
        "file is {size} characters; a scenario file is at most {max}",
    ),
    "v_not_text": ("geen tekstbestand (verwacht UTF-8 YAML)", "not a text file (expected UTF-8 YAML)"),
    "v_alias_bomb": (
        "de YAML groeit (via aliassen) uit tot meer dan {max} waarden; geweigerd",
        "the YAML expands (through aliases) into more than {max} values; refused",
    ),
    "v_line_column": ("regel {line}, kolom {column}: ", "line {line}, column {column}: "),
    "v_not_yaml": ("{where}geen geldige YAML ({problem})", "{where}not valid YAML ({problem})"),
    "v_not_found": ("bestand niet gevonden", "file not found"),
    "v_is_folder": ("is een map, geen scenariobestand", "is a folder, not a scenario file"),
    "v_unreadable": ("kan niet gelezen worden ({reason})", "cannot be read ({reason})"),
    "v_not_regular": (
        "is geen gewoon bestand (een apparaat, een pijp of een socket); geweigerd",
        "is not a regular file (a device, a pipe or a socket); refused",
    ),
    "v_duplicate_key": (
        "de sleutel {key} staat twee keer in dezelfde lijst (regel {first} en {line}); geweigerd, "
        "want alleen de laatste zou tellen",
        "the key {key} appears twice in one mapping (lines {first} and {line}); refused, since only "
        "the last would count",
    ),
    "v_too_deep": (
        "de YAML is dieper genest dan een scenario ooit is; geweigerd",
        "the YAML is nested deeper than any scenario; refused",
    ),
    "v_bool": ("verwacht true of false", "expected true or false"),
    "v_endless_routing": (
        "een jeugdige die in {name} begint, verhuist gemiddeld {moves} keer tussen zorgvormen voordat "
        "die de zorg verlaat (vanaf {date}); hoogstens {max}: geef de kringloop een uitweg (meer 'exit')",
        "a youth starting in {name} moves {moves} times on average between care types before leaving "
        "care (from {date}); at most {max}: give the cycle a way out (more 'exit')",
    ),
    "v_stay_after_policies": (
        "na het beleid duurt een verblijf in {name} gemiddeld {months} maanden vanaf {date}; "
        "minstens {min} (verblijfsfactoren vermenigvuldigen)",
        "after the policies a stay in {name} lasts {months} months on average from {date}; at least "
        "{min} (stay factors multiply)",
    ),
}
TEXT.update(VALIDATION)

# Saving, renaming, deleting and uploading scenarios (simulator/store.py).
BUDGET: dict[str, tuple[str, str]] = {
    "b_replications": (
        "{got} replicaties; hier hoogstens {max} (gebruik de opdrachtregel voor meer)",
        "{got} replications; at most {max} here (use the command line for more)",
    ),
    "b_years": (
        "{got} jaar; hier hoogstens {max} (gebruik de opdrachtregel voor meer)",
        "{got} years; at most {max} here (use the command line for more)",
    ),
    "b_youths": (
        "naar verwachting {got} jeugdigen per replicatie (aanwezig bij de start plus instroom); "
        "hier hoogstens {max}",
        "about {got} youths per replication expected (present at the start plus inflow); at most {max} here",
    ),
    "b_stays": (
        "naar verwachting {got} verblijven in deze run ({per} per replicatie × {n}); hier hoogstens "
        "{max}: minder replicaties of jaren",
        "about {got} stays expected in this run ({per} a replication × {n}); at most {max} here: "
        "fewer replications or years",
    ),
    "b_events": (
        "replicatie {run} is gestopt na {events} geregistreerde gebeurtenissen (dag {day}), ver boven "
        "de schatting (hoogstens {max}); het scenario gedraagt zich anders dan zijn routering doet "
        "verwachten",
        "replication {run} stopped after {events} recorded events (day {day}), far beyond its "
        "estimate (at most {max}); the scenario behaves unlike its routing suggests",
    ),
    "b_too_large": ("{source} is te groot om hier te rekenen:", "{source} is too large to run here:"),
    "b_raise_hint": (
        "(--max-stays en --max-youths verhogen de grenzen van de opdrachtregel)",
        "(--max-stays and --max-youths raise the command line's limits)",
    ),
}
TEXT.update(BUDGET)

STORE: dict[str, tuple[str, str]] = {
    "s_empty_name": (
        "geef een naam met ten minste een letter of cijfer",
        "give a name with at least one letter or digit",
    ),
    "s_exists": (
        "Er is al een opgeslagen scenario '{name}'; kies een andere naam of vink 'Vervang' aan",
        "A saved scenario '{name}' exists already; choose another name or tick 'Replace'",
    ),
    "s_preset": (
        "'{name}' is een meegeleverd scenario en wordt nooit overschreven; kies een andere naam",
        "'{name}' is a shipped scenario and is never overwritten; choose another name",
    ),
    "s_missing": ("Er is geen opgeslagen scenario '{name}'", "There is no saved scenario '{name}'"),
    "s_rename_taken": (
        "Er is al een opgeslagen scenario '{name}'; kies een andere naam",
        "A saved scenario '{name}' exists already; choose another name",
    ),
    "s_preset_name": (
        "'{name}' is de naam van een meegeleverd scenario; kies een andere naam",
        "'{name}' is the name of a shipped scenario; choose another name",
    ),
    "s_reserved": (
        "'{name}' kan geen bestandsnaam zijn (gereserveerd in Windows); kies een andere naam",
        "'{name}' cannot be a file name (reserved on Windows); choose another name",
    ),
    "s_os_error": ("{action} is niet gelukt: {reason}", "{action} failed: {reason}"),
    "s_action_save": ("Opslaan", "Saving"),
    "s_action_rename": ("Hernoemen", "Renaming"),
    "s_action_delete": ("Verwijderen", "Deleting"),
    "s_action_restore": ("Terugzetten", "Restoring"),
    "s_action_read": ("Lezen van de opgeslagen scenario's", "Reading the saved scenarios"),
    "s_not_in_bin": (
        "Er is geen scenario '{name}' in de prullenbak",
        "There is no scenario '{name}' in the bin",
    ),
    "s_restore_taken": (
        "Er is al een scenario '{name}'; hernoem dat eerst en zet dit dan terug",
        "A scenario '{name}' exists; rename that one first, then restore this one",
    ),
    "s_no_version": ("'{name}' heeft geen versie {number}", "'{name}' has no version {number}"),
    "a_no_access": (
        "Geen toegang: dit scenario hoort bij een team waar u niet in zit.",
        "No access: this scenario belongs to a team you are not in.",
    ),
    "a_no_team": (
        "U zit in geen enkel team, dus u kunt niets opslaan; vraag de beheerder u aan een team toe te voegen.",
        "You are in no team, so you cannot save; ask the administrator to add you to a team.",
    ),
    "a_no_identity": (
        "Het inloggen gaf geen e-mailadres, gebruikersnaam of subject; vraag de beheerder de claims te controleren.",
        "The sign-in gave no e-mail address, user name or subject; ask the administrator to check the claims.",
    ),
    "s_upload_size": (
        "het bestand is {size} bytes; een scenario is hoogstens {max} bytes",
        "the file is {size} bytes; a scenario is at most {max} bytes",
    ),
}
TEXT.update(STORE)


def t(key: str, lang: str = "nl", /, **values: Any) -> str:
    """The text of ``key`` in ``lang`` (Dutch unless 'en'), with ``values`` filled in."""
    nl, en = TEXT[key]
    text = en if lang == "en" else nl
    return text.format(**values) if values else text


# Sign-in and teams (ui/auth.py) and the history of saved scenarios (app_pages/scenarios.py).
AUTH: dict[str, tuple[str, str]] = {
    "auth_broken": (
        "Inloggen is ingeschakeld maar werkt niet: de app blijft dicht. De beheerder moet dit herstellen:",
        "Sign-in is on but does not work, so the app stays closed. The administrator must fix this:",
    ),
    "auth_title": ("Inloggen", "Sign in"),
    "auth_intro": (
        "Deze scenario-simulator staat op het netwerk van uw organisatie. Log in met uw account van de "
        "organisatie; u ziet dan de meegeleverde scenario's en die van uw eigen team(s).",
        "This scenario simulator runs on your organisation's network. Sign in with your organisation's "
        "account; you then see the shipped scenarios and those of your own team(s).",
    ),
    "auth_expired": (
        "Uw sessie is verlopen. Log opnieuw in; de instellingen in de link gaan niet verloren.",
        "Your session has expired. Sign in again; the settings in the link are kept.",
    ),
    "auth_sign_in": ("Inloggen", "Sign in"),
    "auth_signed_in": ("Ingelogd als {name} · team: {teams}", "Signed in as {name} · team: {teams}"),
    "auth_sign_out": ("Uitloggen", "Sign out"),
    "team": ("Team", "Team"),
    "team_help": (
        "Het team waar het scenario bij hoort: alleen leden van dat team zien het en kunnen het wijzigen.",
        "The team the scenario belongs to: only members of that team see and can change it.",
    ),
    "no_access_back": (
        "Open de workshop met een meegeleverd scenario",
        "Open the workshop with a shipped scenario",
    ),
    "no_access_link": (
        "Geen toegang: de link noemt een scenario van een team waar u niet in zit.",
        "No access: the link names a scenario of a team you are not in.",
    ),
    "versions_header": ("Versies", "Versions"),
    "version_line": ("versie {number} · {at} · {by}", "version {number} · {at} · {by}"),
    "version_restore": ("Zet deze versie terug", "Restore this version"),
    "version_restored": (
        "Versie {number} is teruggezet als versie {new}.",
        "Version {number} was restored as version {new}.",
    ),
    "bin_header": ("Prullenbak", "Bin"),
    "bin_none": ("De prullenbak van dit team is leeg.", "This team's bin is empty."),
    "bin_line": ("{name} · verwijderd {at} door {by}", "{name} · deleted {at} by {by}"),
    "bin_restore": ("Terugzetten", "Restore"),
    "bin_restored": ("'{name}' staat weer bij de scenario's.", "'{name}' is back among the scenarios."),
    "binned": (
        "'{name}' staat nu in de prullenbak van het team (onderaan deze pagina).",
        "'{name}' is now in the team's bin (at the bottom of this page).",
    ),
    "team_choose": ("Kies het team", "Choose the team"),
    "team_needed": ("Kies eerst het team waarvoor u opslaat.", "First choose the team you save for."),
    "history_team": ("Team van de prullenbak en het logboek", "Team of the bin and the trail"),
    "trail_header": ("Logboek", "Audit trail"),
    "trail_intro": (
        "Wie wat wanneer heeft opgeslagen, vervangen, hernoemd, verwijderd, teruggezet, geüpload of "
        "geëxporteerd (Nederlandse tijd; de download bewaart ook de UTC-tijd). Het logboek kan niet "
        "worden gewijzigd.",
        "Who saved, replaced, renamed, deleted, restored, uploaded or exported what, and when (Dutch "
        "time; the download keeps the UTC time as well). The trail cannot be changed.",
    ),
    "trail_none": ("Nog niets in het logboek van dit team.", "Nothing in this team's trail yet."),
    "trail_download": ("Logboek (.csv)", "Audit trail (.csv)"),
    "trail_at": ("tijd", "time"),
    "trail_user": ("gebruiker", "user"),
    "trail_user_id": ("account", "account"),
    "trail_action": ("actie", "action"),
    "trail_scenario": ("scenario", "scenario"),
    "trail_detail": ("toelichting", "detail"),
    "trail_save": ("opgeslagen", "saved"),
    "trail_replace": ("vervangen", "replaced"),
    "trail_rename": ("hernoemd", "renamed"),
    "trail_delete": ("verwijderd", "deleted"),
    "trail_restore": ("teruggezet", "restored"),
    "trail_upload": ("geüpload", "uploaded"),
    "trail_export": ("geëxporteerd", "exported"),
    "trail_import": ("overgenomen", "imported"),
    "saved_by_line": (
        "Versie {number}, opgeslagen {at} door {by}.",
        "Version {number}, saved {at} by {by}.",
    ),
}
TEXT.update(AUTH)


LOCAL_ZONE = "Europe/Amsterdam"  # the trail keeps UTC; people read their own clock


def moment(stamp: str, lang: str) -> str:
    """A stored UTC time ('2026-12-03T12:23:19Z') as people read it: '3 dec 2026 13:23'
    in Dutch time (UTC where the machine has no time-zone data)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from babel.dates import format_datetime

    when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=ZoneInfo("UTC"))
    try:
        zone = ZoneInfo(LOCAL_ZONE)
    except ZoneInfoNotFoundError:
        return format_datetime(when, "d MMM y HH:mm 'UTC'", locale=lang)
    return format_datetime(when.astimezone(zone), "d MMM y HH:mm", locale=lang)


_TRAIL_WORDS_NL = (
    ("to the bin", "naar de prullenbak"),
    ("from the bin", "uit de prullenbak"),
    (" as version ", " als versie "),
    ("version ", "versie "),
)


def trail_detail(detail: str, lang: str) -> str:
    """A trail line's detail (stored in English, the same for every reader) in ``lang``."""
    if lang == "nl":
        for english, dutch in _TRAIL_WORDS_NL:
            detail = detail.replace(english, dutch)
    return detail


class Message(str):
    """A text from the table with its values: the string itself is English (logs, the CLI,
    tests); ``text(lang)`` renders it in another language. Values may be Messages too."""

    key: str
    values: dict

    def __new__(cls, key: str, /, **values: Any) -> Message:
        """The message of ``key`` with ``values``; as a string it is the English text."""
        message = super().__new__(cls, _render(key, "en", values))
        message.key, message.values = key, values
        return message

    def __reduce__(self) -> tuple[Callable[[str, dict[str, Any]], Message], tuple[str, dict[str, Any]]]:
        return _message, (self.key, self.values)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``, values that are Messages included."""
        return _render(self.key, lang, self.values)

    def to_json(self) -> dict[str, Any]:
        """Key and values as plain data (``run.json``): any language can render it later."""
        return {
            "key": self.key,
            "values": {n: v.to_json() if isinstance(v, Message) else v for n, v in self.values.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        """The Message back from ``to_json``'s data, nested Messages included."""
        values = {
            n: cls.from_json(v) if isinstance(v, dict) and "key" in v else v
            for n, v in data["values"].items()
        }
        return cls(data["key"], **values)


def _message(key: str, values: dict) -> Message:
    return Message(key, **values)


def _render(key: str, lang: str, values: dict) -> str:
    def show(value: Any) -> str:
        if isinstance(value, Message):
            return value.text(lang)
        if isinstance(value, float):
            text = f"{value:.6g}"
            return text.replace(".", ",") if lang == "nl" else text
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
            return number(value, lang)  # years and small counts stay as they are
        return str(value)

    nl, en = TEXT[key]
    return (en if lang == "en" else nl).format(**{name: show(value) for name, value in values.items()})


def localized(text: str, lang: str) -> str:
    """A Message in ``lang``; any other text as it is."""
    return text.text(lang) if isinstance(text, Message) else text


# Dutch column headers of the downloadable tables: a measure's name, then what of it.
COLUMNS_NL = {
    "year": "jaar",
    "month": "maand",
    "care_type": "zorgvorm",
    "scenario": "scenario",
    "name": "naam",
    "measure": "maat",
    "from": "van",
    "to": "naar",
    "parameter": "parameter",
    "value": "waarde",
    "table": "tabel",
    "source": "bron",
    "document": "document",
    "section": "onderdeel",
    "what_was_read": "wat is gelezen (Engels)",
    "what_was_read_nl": "wat is gelezen",
    "days": "dagen",
    "capacity": "capaciteit",
    "expected": "verwachting zonder grens",
    "beds_needed": "bedden nodig",
    "demand_p90": "vraag P90",
    "delayed_share": "aandeel niet direct geplaatst",
    "occupancy_rate": "bezettingsgraad",
    "delayed_share_expected": "aandeel niet direct geplaatst, verwacht",
    "mean": "gemiddelde",
    "p10": "P10",
    "p90": "P90",
    "difference": "verschil",
    "difference_p10": "verschil P10",
    "difference_p90": "verschil P90",
    "age_band": "leeftijd (jaar)",
}
MEASURES_NL = {
    "occupancy": "bezetting",
    "admissions": "opnames",
    "waiting": "wachtlijst",
    "overflow": "buiten de regio",
    "cost": "kosten (euro)",
    "escalations": "escalaties",
    "discharges": "uitstroom",
    "clients": "jeugdigen in zorg",
    "beds_needed": "bedden nodig",
    "delayed_share": "aandeel niet direct geplaatst",
    "occupancy_rate": "bezettingsgraad",
    "mean_wait_days": "wachttijd (dagen)",
    "blocked": "wacht op doorstroom",
    "in_care_start": "in zorg op 1 januari",
    "admitted_youths": "opgenomen jeugdigen",
    "offered_load": "aangeboden last",
    "requests": "aanvragen",
    "capacity": "capaciteit",
    "per_year": "per jaar",
    "in_care": "in zorg",
    "aged_out": "leeftijdsgrens bereikt",
}
SUFFIXES_NL = {"_mean": " (gemiddelde)", "_p10": " P10", "_p50": " P50", "_p90": " P90"}


def column_header(column: str, lang: str = "nl") -> str:
    """A downloadable table's column header: its name in English (the files' own names),
    in Dutch a Dutch header ("occupancy_p10" -> "bezetting P10"). A column without one keeps
    its name (a scenario's own name in a comparison)."""
    if lang != "nl":
        return column
    if column in COLUMNS_NL:
        return COLUMNS_NL[column]
    for suffix, text in SUFFIXES_NL.items():
        if column.endswith(suffix) and column[: -len(suffix)] in MEASURES_NL:
            return MEASURES_NL[column[: -len(suffix)]] + text
    return MEASURES_NL.get(column, column)


# The key figures' labels (TEXT keys; "{care_type}" filled in), by measure of
# compare.kpi_table: one naming for the comparison page, its deck and its downloads.
KPI_LABELS = {
    "beds_needed": "compare_beds",
    "in_care": "compare_in_care",
    "waiting": "compare_waiting",
    "overflow": "compare_overflow",
    "cost": "compare_cost",
}


# Numbers in the page's language from CLDR's data through Babel: the decimal and grouping
# signs and the currency symbol of each language are Babel's, not written here.
LOCALES = {"nl": "nl_NL", "en": "en_GB"}


@cache
def locale(lang: str) -> Locale:
    """The Babel locale of a page language (Dutch for anything unknown)."""
    from babel import Locale

    return Locale.parse(LOCALES.get(lang, LOCALES["nl"]))


@lru_cache(maxsize=16)
def _pattern(decimals: int) -> NumberPattern:
    from babel.numbers import parse_pattern

    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


def decimal_sign(lang: str = "nl") -> str:
    """',' (nl) or '.' (en): for the CSV downloads and the charts' number locale."""
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(locale(lang))


def group_sign(lang: str = "nl") -> str:
    """'.' (nl) or ',' (en)."""
    from babel.numbers import get_group_symbol

    return get_group_symbol(locale(lang))


def number(value: float, lang: str = "nl", decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (nl) or '1,234.5' (en); never a negative zero ("-0,0")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if round(value, decimals) == 0:  # -0.04 with one decimal is "0,0", not "-0,0"
        value = 0.0
    return _pattern(decimals).apply(value, locale(lang))


@lru_cache(maxsize=4096)  # a stay slider formats its ~150 options on every run of the page
def trimmed(value: float, lang: str = "nl", decimals: int = 2) -> str:
    """``number`` with at most ``decimals`` decimals and no trailing zeros: "5,25", "12"."""
    text = number(value, lang, decimals)
    return text.rstrip("0").rstrip(",.") if decimals > 0 and text != "–" else text


def percent(share: float, lang: str = "nl", decimals: int = 0) -> str:
    """0.95 -> '95%'; 0.123 with one decimal -> '12,3%' (nl) or '12.3%' (en)."""
    return number(100 * share, lang, decimals) + "%"


def euro(value: float, lang: str = "nl") -> str:
    """Amounts as people say them: € 1,2 mln / € 1.2 mln, € 850.000 / € 850,000."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    scale, decimals, unit = _euro_unit(value, lang)
    sign = "-" if round(value / scale, decimals) < 0 else ""  # no "-€ 0"
    return f"{sign}{_euro_sign(lang)} {number(abs(value) / scale, lang, decimals)}{unit}"


@cache
def _euro_sign(lang: str) -> str:
    from babel.numbers import get_currency_symbol

    return get_currency_symbol("EUR", locale(lang))


def _euro_unit(value: float, lang: str) -> tuple[float, int, str]:
    """(scale, decimals, unit text) in which ``value`` euro is said."""
    if abs(value) >= 1e9:
        return 1e9, 1, " mld" if lang == "nl" else " bn"
    if abs(value) >= 1e6:
        return 1e6, 1, " mln"
    return 1.0, 0, ""


def euro_delta(delta: float, reference: float, lang: str = "nl") -> str:
    """A change of an amount in the unit the amount is said in, with one decimal more, and
    its sign: "-€ 0,05 mln" beside "€ 66,0 mln", not "-€ 52.873"; "±€ 0,00 mln" for a change
    that rounds to nothing (never "-€ 0")."""
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return "–"
    scale, decimals, unit = _euro_unit(reference, lang)
    decimals += 1 if scale > 1 else 0
    rounded = round(delta / scale, decimals)
    sign = "±" if rounded == 0 else "+" if rounded > 0 else "-"
    return f"{sign}{_euro_sign(lang)} {number(abs(rounded), lang, decimals)}{unit}"


def signed(value: float, lang: str = "nl", decimals: int = 0) -> str:
    """``number`` with its sign: '+' or '-', '±' for what rounds to zero (never "-0,0")."""
    rounded = round(value, decimals)
    return ("+" if rounded > 0 else "-" if rounded < 0 else "±") + number(abs(rounded), lang, decimals)


def measure_value(value: float, measure: str, lang: str = "nl") -> str:
    """A key figure as shown everywhere: cost in euro (mln), beds in whole places, youths with
    one decimal (a mean over replications); "–" for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if measure == "cost":
        return euro(value, lang)
    return number(value, lang, 0 if measure == "beds_needed" else 1)


def measure_delta(value: float, measure: str, lang: str = "nl", reference: float | None = None) -> str:
    """A key figure's difference with its sign, money in the unit of ``reference`` (the value
    it is the difference of)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if measure == "cost":
        unit_of = value if reference is None or math.isnan(reference) else reference
        return euro_delta(value, unit_of, lang)
    return signed(value, lang, 0 if measure == "beds_needed" else 1)


def time_left(elapsed: float, done: int, total: int, lang: str = "nl") -> str | None:
    """The time a run still needs at its pace so far ("40 s", "3 min"), or None when too
    little is done to tell (under a tenth, or under two seconds in)."""
    if done <= 0 or done >= total or elapsed < 2.0 or done < total / 10:
        return None
    left = elapsed / done * (total - done)
    if left < 120:
        return t(
            "seconds_left", lang, n=number(max(1.0, round(left / 5) * 5 if left > 20 else round(left)), lang)
        )
    return t("minutes_left", lang, n=number(round(left / 60), lang))
