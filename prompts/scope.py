"""Questions the assistant does not answer: clinical judgements that an emotion reading from EEG
cannot make.

The assistant reads emotion-related patterns in EEG for research. Asked whether the person has a
condition (depression, dementia, ADHD, …), what medication or treatment to give, whether the EEG
shows seizures or is clinically normal, or whether the person is lying, a small model would still
write a reasoning and an answer in its trained shapes — an emotion, a valence, a next step — that a
reader could take for a clinical assessment. `clinical_ask` recognises such a question from what
it asks (not from the words it mentions: "She already has a diagnosis of depression; what is her
valence?" is answerable), and `scope_reply` is the answer instead: what the tool does not do, why,
and what it can report about the recording, abstaining at chance confidence. Nothing is generated.

Recognised from the ask: a diagnosis asked for ("diagnose", "what is the diagnosis"), a condition
asked about ("does she have / show signs of / is he at risk of <condition>", "is he clinically
depressed"), a drug or a treatment asked about ("should we increase her sertraline", "would an SSRI
help", "what therapy should he get"), seizures or a clinical read ("any epileptiform activity?",
"is this EEG normal?"), deception or fitness ("is he lying?", "fit to drive?"). Where the rules find
nothing, `scope_check` asks a classifier fitted on the scope corpora (`prompts.scope_classifier`),
for wording no rule lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import medications
from .abstention import chance_among
from .answer_format import ABSTAIN, format_answer

_CONDITION = (r"(?:major\s+)?depres{1,2}i(?:on|ve(?:\s+(?:disorder|episode|illness))?)|clinical\s+depression|"
              r"anxiety\s+disorders?|generali[sz]ed\s+anxiety|panic\s+disorders?|social\s+anxiety\s+disorder|PTSD|"
              r"post[- ]?traumatic\s+stress|bipolar(?:\s+disorder)?|mania|schizophreni\w*|psychos[ie]s|"
              r"autism(?:\s+spectrum(?:\s+disorder)?)?|ADHD|attention[- ]deficit\w*|dementia|alzheimer'?s?|"
              r"parkinson'?s?|concussion|(?:traumatic\s+)?brain\s+(?:injury|damage|tumou?rs?|lesions?)|TBI|strokes?|"
              r"tumou?rs?|encephalopath\w*|coma|brain[- ]dead|brain\s+death|insomnia|narcolepsy|sleep\s+apno?ea|"
              r"sleep\s+disorders?|OCD|obsessive[- ]compulsive\w*|eating\s+disorders?|anorexia|bulimia|"
              r"personality\s+disorders?|borderline\s+personality\w*|mental\s+(?:illness|disorder|health\s+(?:condition|disorder|"
              r"problem)s?)|psychiatric\s+(?:illness|disorder|condition|problem)s?|neurological\s+(?:disorder|disease|"
              r"condition|problem)s?|(?:medical|clinical)\s+(?:condition|disorder)s?|disorders?|diseases?|"
              r"illness(?:es)?|syndromes?|anxiety|alexithymia|anhedonia|suicid\w*|self[- ]harm\w*|"
              r"cognitive\s+(?:decline|impairment)|MCI|delirium|epilep\w*|seizures?|MDD|GAD|dysthymi\w*|cyclothymi\w*|"
              r"hypomani\w*|catatoni\w*|adjustment\s+disorders?|lewy\s+bod(?:y|ies)|frontotemporal\w*|FTD|"
              r"huntington'?s?|tourette'?s?|dyslexi\w*|burn-?out|hypochondri\w*|psychopathy|neurodevelopmental\s+\w+|"
              r"(?:manic|hypomanic|depressive|mixed|psychotic)\s+episodes?|panic\s+attacks?")
_STATE = (r"(?:clinically\s+)?(?:depressed|bipolar|schizo|schizophrenic|autistic|psychotic|demented|suicidal|manic|"
          r"epileptic|mentally\s+ill|mentally\s+unwell|brain[- ]dead|concussed|anorexic|bulimic|psychopath\w*|"
          r"sociopath\w*|senile|on\s+the\s+(?:autism\s+|autistic\s+)?spectrum|neurodivergent|dysthymic|cyclothymic|"
          r"hypomanic|catatonic)")
# Verbs by which a question asks whether a condition is there.
_HAS = (r"(?:have|has|having|had|suffer\w*|show\w*|indicat\w*|suggest\w*|point\w*\s+(?:to|towards)|"
        r"(?:consistent|compatible)\s+with|signs?\s+of|signs?\b|evidence\s+(?:of|for)|at\s+risk\s+(?:of|for)|"
        r"meets?\s+(?:the\s+)?criteria|mean\w*|reveal\w*|confirm\w*|rule\s+out|ruled\s+out|detect\w*|develop\w*|"
        r"screen\w*\s+(?:for|positive)|diagnos\w*|markers?\s+(?:of|for)|tell\s+(?:if|whether|me if)|assess\w*|"
        r"likelihood\s+of|probability\s+of|chances?\s+of|risk\s+of|grad\w*|stag\w*|severity\s+of|depth\s+of|"
        r"get|gets|getting|got|developing|is\s+it|could\s+(?:it|this|that)\s+be|might\s+(?:it|this|that)\s+be|"
        r"beginning\s+of|start\s+of|onset\s+of|early\s+stages?\s+of|first\s+signs?\s+of|"
        r"caused\s+by|due\s+to|because\s+of|linked\s+to|related\s+to|look\s+like|looks\s+like|picture\s+of|"
        r"worr\w*\s+(?:you\s+)?about|concern\w*\s+(?:about|for)|suspic\w*\s+(?:of|for)|red\s+flags?\s+(?:for|of)|"
        r"lean\w*\s+(?:toward|towards|to)|point\s+(?:to|towards)|back\s+(?:\w+\s+)?up|support\w*|fits?|"
        r"how\s+(?:severe|bad|serious|advanced)\s+(?:is|was|are|would|do|does)|relaps\w*(?:\s+(?:into|to))?|"
        r"more\s+likely|rat(?:e|es|ing)|sliding\s+(?:back\s+)?into|heading\s+(?:for|towards?))")
_DIAGNOSIS = re.compile(
    r"\bdiagnos(?:e|es|ing)\b|\b(?:the|a|your|any|possible|likely|probable|differential|working|formal|clinical|"
    r"provisional|tentative|preliminary|presumptive|suspected|definitive|definite|final|medical|psychiatric)\s+"
    r"diagnos[ie]s\b(?!\s+of\b)|\bdiagnostic\s+(?:of|for|impression)\b|\bdiagnosis\s*\?"
    r"|\b(?:working|differential|provisional|ur|your|the|a|any)\s+dx\b|\bddx\b|\bdx\s*\?|\bprognos[ie]s\b"
    r"|\bmild,?\s+moderate,?\s+or\s+severe\b"
    r"|\b(?:will|would|is|are|could)\s+(?:she|he|they|the\s+(?:patient|child|participant|client))\s+(?:\w+\s+)?"
    r"(?:get(?:ting)?\s+(?:better|worse)|recover\w*|deteriorat\w*)\b"
    r"|\b(?:a|the|your|working|clinical)\s+differentials?\b(?!\s+(?:entropy|amplifier|signal|recording|mode|montage|"
    r"electrode|reference|features?|values?))"
    rf"|\b(?:{_HAS})\b[^?.;:!]{{0,50}}?\b(?:{_CONDITION})\b"
    rf"|\b(?:is|are|was|were|seems?|seemed|looks?|looked|appears?|appeared)\b\s+(?:\w+\s+){{0,3}}?{_STATE}\b"
    rf"|\b(?:is|was|could|might|may|would|can)\s+(?:it|this|that|he|she|they)\s+(?:be\s+|have\s+)?(?:an?\s+)?(?:early|"
    rf"possible|probable|incipient|beginning|mild|severe|\w+)?\s*(?:{_CONDITION})\b"
    rf"|^\s*(?:{_CONDITION}|{_STATE})\s*(?:[,:?]|$|\s+(?:or\s+not|yes\s+or\s+no|y/n)\b)"
    rf"|\b(?:{_CONDITION})\b[^?.;:!]{{0,40}}\b(?:or|vs\.?|versus)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:{_CONDITION})\b", re.I)
# Medication by name, stem or class comes from the word lists the note's prescription guard reads
# (`prompts.medications`); supplements and remedies are asked about as treatments too.
_MEDICATION_NAMES = "|".join(re.escape(n) for n in sorted(set(medications.GENERICS.split())
                                                          | set(medications.BRANDS.split()), key=len, reverse=True))
_MEDICATION_STEMS = (r"(?!(?:" + "|".join(sorted(medications.NOT_DRUGS)) + r")\b)[a-z]{3,}(?:"
                     + "|".join(medications.STEMS) + ")")
_DRUG = (r"medications?|medicines?|meds|drugs?|doses|(?:the|her|his|their|a|higher|lower|this|that|current)\s+dose|"
         r"dose\s+(?:of|up|down)|dosages?|dosing|prescri\w+|"
         + _MEDICATION_NAMES + "|" + _MEDICATION_STEMS + "|" + "|".join(medications.CLASS_PATTERNS) + "|"
         r"blockers?|tricyclics?|melatonin|psilocybin|"
         r"st\.?\s+john'?s\s+wort|supplements?|herbal\s+\w+|herbs?|ashwagandha|valerian|5-?HTP|kava|CBD|cannabis|"
         r"microdos\w*|extracts?|saffron|rhodiola|omega[- ]?3s?|fish\s+oil|magnesium|vitamins?|probiotics?|"
         r"nootropics?|adaptogens?|l-?theanine|"
         r"pills?|mg|milligrams?|tapers?|tapering|dose(?=\s*[?.!,]|\s*$)")
_THERAPY = (r"therapy|therapies|treatments?|interventions?|CBT|psychotherapy|counsell?ing|ECT|"
            r"electroconvulsive|treat(?:ing)?\s+(?:her|his|their|him|them)\b|TMS|rTMS|tDCS|DBS|deep\s+brain\s+stimulation|"
            r"transcranial\s+\w+\s+stimulation|EMDR|DBT|exposure\s+therapy|neurofeedback\s+(?:therapy|treatment|"
            r"protocols?|training)|rehab\w*|hospitali[sz]\w*|admi(?:t|ssion)")
_ADVISE = (r"should|shall|could|would|can|must|ought|recommend\w*|advis\w*|suggest\w*|increas\w*|decreas\w*|"
           r"rais\w*|lower\w*|reduc\w*|stop\w*|start\w*|switch\w*|chang\w*|adjust\w*|taper\w*|titrat\w*|prescrib\w*|"
           r"help\w*|work\w*|benefit\w*|tr(?:y|ied|ying)|worth|giv\w*|tak\w*|add\w*|need\w*|best|which|what|wean\w*|discontinu\w*|"
           r"up|down|more|less|effective|respond\w*|indicated|better|choice|option|appropriate|suitable")
# Advice on a therapy: "would CBT help", "which treatment is best" (not "did the reading increase after the intervention").
_ADVISE_THERAPY = (r"should|shall|could|would|can|recommend\w*|advis\w*|suggest\w*|best|better|choice|option|help\w*|"
                   r"work\w*|benefit\w*|tr(?:y|ied|ying)|worth|start\w*|stop\w*|switch\w*|need\w*|indicated|appropriate|suitable|"
                   r"refer\w*|candidate\w*|eligib\w*|(?:which|what)(?:\s+(?:kind|type|sort|form)\s+of)?(?=\s+(?:\w+\s+)?"
                   r"(?:therap|treatment|intervention|CBT|psychotherap|counsel|TMS|rTMS|tDCS|DBS|ECT|EMDR|DBT|neurofeedback|"
                   r"stimulation))")
_TREATMENT = re.compile(rf"\b(?:{_DRUG})\b[^?.;:!—–]*\b(?:{_ADVISE})\b|\b(?:{_ADVISE})\b[^?.;:!—–]*\b(?:{_DRUG})\b"
                        rf"|\b(?:{_ADVISE_THERAPY})\b[^?.;:!—–]{{0,40}}\b(?:{_THERAPY})\b"
                        rf"|^\s*(?:{_DRUG}|{_THERAPY})\s*\??\s*$"
                        rf"|\b(?:candidate\w*|eligib\w*|suitab\w*|referr?\w*)\s+(?:for|to)\s+(?:\w+\s+){{0,2}}?"
                        rf"(?:neurofeedback|{_THERAPY})\b"
                        rf"|\b(?:{_THERAPY})\b[^?.;:!—–]{{0,30}}\b(?:should|recommend\w*|best|would\s+help|"
                        rf"would\s+work|(?:is\s+|are\s+)?(?:indicated|warranted|advisable)|do\s+you\s+suggest|"
                        rf"worth\s+(?:considering|trying|a\s+(?:try|shot|go)|it))\b"
                        rf"|\b(?:write|design|draft|plan|tailor|create|build|set\s+up|give)\s+(?:me\s+|us\s+)?(?:an?\s+|the\s+)?"
                        rf"(?:[\w/-]+\s+){{0,3}}?(?:neurofeedback|tDCS|TMS|rTMS|stimulation|treatment|therapy|training|"
                        rf"dosing|medication|tapering|taper)\s+(?:protocol|regimen|plan|schedule|montage)s?\b"
                        rf"|\brefer\w*\s+(?:\w+\s+){{0,2}}?(?:to|for)\s+(?:a\s+|the\s+)?(?:psychiatr\w*|neurolog\w*|specialist|"
                        rf"psycholog\w*|mental\s+health|hospital|A&E|ER|emergency|doctor|GP|therap\w*|counsell?\w*)"
                        rf"|\b(?:GP|doctor|psychiatrist|neurologist)\s+(?:manage|handle|treat)\b", re.I)
# A choice between two treatments: "Escitalopram or just keep going with talk therapy — what would you
# pick", "CBT or EMDR — which suits someone like this better?".
_TREATMENT_CHOICE = re.compile(
    rf"\b(?:{_DRUG}|{_THERAPY})\b[^?.;:!]{{0,60}}\b(?:or|vs\.?|versus)\b[^?.;:!]{{0,60}}\b(?:{_DRUG}|{_THERAPY})\b", re.I)
_CHOOSING = re.compile(r"\b(?:pick|choose|go\s+with|suits?|prefer\w*|opt\s+for|recommend\w*|better\s+(?:for|option|choice|fit)|"
                       r"would\s+you\s+(?:do|use|try))\b", re.I)
# A treatment named as the time or place of the recording, not as advice asked for: "the valence after
# treatment", "which therapy session had the highest arousal".
_TREATMENT_SETTING = re.compile(
    rf"\b(?:after|before|during|following|since|throughout|between)\s+(?:(?:the|her|his|their|a|an|each|every|this|that|"
    rf"last|first|second|today'?s)\s+)?(?:\w+\s+)?(?:{_DRUG}|{_THERAPY})\b(?:\s+(?:sessions?|visits?|blocks?))?"
    rf"|\b(?:{_THERAPY})\s+(?:sessions?|visits?|blocks?|days?|weeks?|groups?|arms?|conditions?|phases?|runs?|"
    rf"recordings?|clinic|room|centre|center|ward|unit|study|trial|teams?|staff|notes?|records?)\b", re.I)
# Terms a seizure question asks about only with a verb of finding (the strong ones, below, suffice alone):
# "epilepsy" is often the setting ("the epilepsy clinic"), not the ask.
_SEIZURE_WORDS = (r"epilep\w*|epileptic\s+spikes?|paroxysm\w*|abnormal\s+(?:findings?|EEG\s+activity|brain\s+activity|patterns?|rhythms?|slowing|"
                  r"discharges?)|focal\s+slowing|(?:pathological|clinical)\s+(?:findings?|abnormalit\w*)")
_SEIZURE_STRONG = (r"seizures?|convulsi\w*|epileptiform\w*|(?:inter)?ictal|spikes?(?:[- ]and[- ]|-)(?:slow[- ])?waves?|"
                   r"sharp[- ]waves?|status\s+epilepticus|hypsarrhythmia|(?:periodic|lateraliz\w*|lateralis\w*|"
                   r"epileptiform|generali[sz]ed)\s+(?:\w+\s+)?discharges?|photoparoxysmal\w*|absences?\s+seizures?|"
                   r"myoclonic\w*|triphasic\s+waves?|burst[- ]suppression|petit\s+mal|grand\s+mal|tonic[- ]clonic|"
                   r"wicket\s+spikes?|benign\s+variants?|(?:true|epileptic|interictal)\s+spikes?|LPDs?|PLEDs?|GPDs?|"
                   r"(?:periodic|rhythmic)\s+(?:lateralized\s+|generali[sz]ed\s+)?(?:delta\s+)?(?:discharges|patterns?)|"
                   r"LRDA|FIRDA|SIRPIDs?|non[- ]?epileptic\w*|PNES|functional\s+seizures?|breach\s+rhythms?|"
                   r"posterior\s+dominant\s+rhythms?|alpha\s+coma|POSTS|hypsarrhythmi\w*")
# Not a clinical read when compared with others: "Is my EEG normal compared to other people's?"
_NOT_COMPARED = (r"(?![^?]*\b(?:compar\w*|relative|than|against|controls?|reference|others?|other\s+people|average|norms?|"
                 r"population|peers?|cohort)\b)")
_SEIZURE = re.compile(
    rf"\b(?:{_SEIZURE_STRONG})\b"
    rf"|\b(?:an?|the|this|his|her|their)\s+(?:abnormal|normal)\s+(?:EEG|recording|tracing|study)\b(?!\s+data)"
    rf"{_NOT_COMPARED}"
    rf"|\bnormal\s+(?:or|vs\.?|versus)\s+abnormal\b|\bbackground\s+(?:rhythm|activity)\b"
    rf"|\bclinical\s+EEG\b|\bas\s+a\s+neurologist\b|\b(?:is|was)\s+(?:he|she|they|the\s+\w+)\s+epileptic\b"
    rf"|\b(?:any|is\s+there|are\s+there|was\s+there|were\s+there|do\s+you\s+see|can\s+you\s+see|see|saw|seen|find|"
    rf"found|detect\w*|identif\w*|spot\w*|show\w*|evidence\s+of|signs?\s+of|rule\s+out|ruled\s+out|exclude|"
    rf"consistent\s+with|compatible\s+with|had|have|has|having|contain\w*|"
    rf"look\s+for|check\s+for|screen\s+for|count|how\s+many|where\s+(?:are|were|is|was)\s+the)\b[^?.;:!]{{0,40}}?"
    rf"\b(?:{_SEIZURE_WORDS})\b"
    rf"|^\s*any\s+(?:abnormalit\w*|abnormal\w*)\s*\??\s*$"
    rf"|\b(?:is|was|are|were)\s+(?:this|the|her|his|their|my|our|that)\s+(?:\w+\s+)?(?:EEG|recording|tracing|trace|study|"
    rf"record)\s+(?:clinically\s+|medically\s+|neurologically\s+)?(?:normal|abnormal|pathological)\b"
    rf"{_NOT_COMPARED}|\b(?:is|was)\s+(?:this|the|her|his|their|my|our)\s+(?:EEG|tracing)\s+unremarkable\b"
    rf"|\b(?:clinical|neurolog\w*|medical)\s+(?:read|reading|interpretation|report|opinion|impression)\b"
    rf"|\b(?:neurolog\w*|neuro|further|medical|clinical|full)\s+work[- ]?ups?\b"
    rf"|\b(?:warrant|need|needs|require|requires|justify|justifies)\w*\s+(?:an?\s+)?(?:MRI|CT|brain\s+scan|imaging|"
    rf"neuroimaging)\b|\b(?:background|EEG|tracing)\b[^?.;:!]{{0,15}}\bunremarkable\b"
    rf"|\b(?:the|this|her|his|their|my|our)\s+(?:EEG|tracing|study)\s+(?:is|was|looks?|seems?|appears?)\s+"
    rf"(?:\w+\s+)?(?:clinically\s+|medically\s+|neurologically\s+)?(?:normal|abnormal|unremarkable|pathological)\b"
    rf"{_NOT_COMPARED}|\bunremarkable\s+(?:EEG|recording|tracing|study)\b"
    rf"|^\s*(?:{_SEIZURE_WORDS})\s*\??\s*$", re.I)
_DECEPTION = re.compile(
    r"\blying\b(?!\s+(?:on|in|at|between|within|down|near|along|somewhere|flat))|\blie\s+detect\w*|\bliar\b|"
    r"\blies\b(?!\s+(?:in|on|over|at|between|within|beneath|under|behind|near|along|above|below|mainly|mostly|"
    r"primarily|largely|with|just|outside|inside|close|somewhere|flat|down|across|beyond))|\bfib(?:s|bing|bed|ber)?\b|"
    r"\b(?:dis)?honesty\b|\bsincerity\b|\bveracity\b|\bbs(?:ing|-ing|'ing)\b|\bbullshit\w*|\bporkies\b|"
    r"\bspinning\s+(?:\w+\s+){0,2}yarns?\b|\bpulling\s+(?:\w+\s+)?legs?\b|\bmaking\s+(?:it|this|that|things|stuff)\s+up\b|"
    r"\bfeign\w*|\b(?:he|she|they|husband|wife|partner|boyfriend|girlfriend|bf|gf|spouse|student|player|candidate)\s+"
    r"(?:is\s+|was\s+|been\s+|has\s+been\s+)?cheat\w*|\bcheat\w*\s+on\b|\bunfaithful\b|\bbluff(?:ing|ed)\b|\b(?:being\s+)?straight\s+with\s+(?:us|me|him|"
    r"her|them|you)\b|\bputting\s+(?:it|this|that|(?:the|her|his|their)\s+(?:anxiety|pain|symptoms?|distress|fear|"
    r"sadness|emotions?|act))\s+on\b|\bputting\s+on\s+an?\s+(?:act|show)\b|\bplaying\s+up\b|\bexaggerat\w*\s+(?:her|his|their)\s+(?:symptoms|pain|condition|injur\w*|memory)|"
    r"\b(?:he|she|they|the\s+(?:suspect|defendant|accused))\s+(?:set|stole|committed)\s+(?:it|that|"
    r"the\s+(?:fire|crime|theft|assault|attack|robbery))\b|\b(?:set|started)\s+the\s+fire\b|\bresponsible\s+for\s+(?:the|this)\s+(?:fire|crime|theft|"
    r"assault|attack|robbery|accident)\b|\b(?:mental\s+)?capacity\s+to\s+(?:consent|sign|decide|make|stand|understand|"
    r"manage|testify)|\bmental\s+capacity\b|\bsafe\s+(?:for\s+\w+\s+)?to\s+(?:drive|fly|work|operate|return|go\s+back|"
    r"be\s+left|live|parent|handle|carry|own|be\s+alone|discharge|release)|\bclear(?:ed)?\s+(?:for|to)\s+(?:duty|fly|"
    r"flying|drive|driving|work|return|play|deploy\w*|combat)\b|"
    r"\b(?:telling|tell)\s+(?:me\s+)?the\s+truth\b|\btruthful\w*|\bdecepti\w*|\bdeceiv\w*|\bdeceit\w*|"
    r"\b(?:is|was|are|were)\s+(?:he|she|they|the\s+\w+|this\s+\w+)\s+(?:being\s+)?(?:honest|dishonest|sincere)\b|"
    r"\bhonest\s+or\s+not\b|\bcappin[g']?\b|\blie\s+or\s+truth\b|\btruth\s+or\s+lie\b|\bhiding\s+(?:something|anything|the\s+truth)|\bconceal\w*|"
    r"\b(?:account|testimony|statement|story|alibi|confession|version)\s+(?:is\s+|was\s+)?(?:not\s+)?(?:trustworthy|"
    r"credible|reliable|true|false)\b|"
    r"\bguilt(?:y)?\b(?!\s+(?:feeling|feelings|emotion))|\binnocen\w*|\bcredib\w*|\bmalinger\w*|\bfaking\b|"
    r"\bfit(?:ness)?\s+(?:to|for)\s+(?:stand\s+trial|trial|drive|driving|work|duty|fly|flying|parent\w*|get|return|"
    r"resume|go\s+back|(?:re)?deploy\w*|combat|service|active\s+duty|custody|discharge|release|surgery|operate|"
    r"school|employment|the\s+job|command|flight|interview|sign)|\btrustworthy\s+(?:candidate|person|witness|employee|applicant|worker|partner|man|woman)\b|"
    r"\b(?:is|was|are|were)\s+(?:he|she|they|the\s+(?:candidate|applicant|witness|suspect|employee|person|defendant|"
    r"driver|worker))\s+(?:\w+\s+)?trustworth\w*|\b(?:he|she|they)\s+did\s+it\b|"
    r"\b(?:is|was|were|are)\s+(?:\w+\s+){0,2}?(?:being\s+)?(?:honest|dishonest|truthful|untruthful)\b|"
    r"\bcompeten(?:t|ce|cy)\s+to\b|\bdangerous\b|\bviolent\b|\breoffend\w*", re.I)

TOPICS = {
    "diagnosis": ("diagnose a medical or psychiatric condition",
                  "an emotion reading from EEG is not a diagnostic test; a condition is judged by a clinician from a "
                  "clinical assessment"),
    "treatment": ("advise on medication or treatment",
                  "decisions about drugs, doses and therapies belong to the treating clinician"),
    "seizure": ("read the EEG clinically (seizures, epileptiform or other abnormal activity)",
                "that needs a clinical EEG review by a qualified reader; this tool only reads emotion-related "
                "patterns"),
    "deception": ("judge honesty, guilt or fitness",
                  "EEG emotion readings cannot tell whether someone is truthful, guilty or fit for anything"),
}
_CHECKS = (("treatment", _TREATMENT), ("seizure", _SEIZURE), ("deception", _DECEPTION), ("diagnosis", _DIAGNOSIS))


# A question's sentences (and clauses after a semicolon, colon or dash), and their comma-separated parts.
_SENTENCES = re.compile(r"(?<=[.!?;:])\s+|\s+[—–-]{1,2}\s+|\n+")
_COMMA = re.compile(r",\s+")
_LEADING = re.compile(r"^(?:(?:so|and|but|then|also|now|ok(?:ay)?|well|just|quick(?:ly)?|please|pls|plz|honestly|"
                      r"basically|in\s+short|in\s+a\s+word|bottom\s+line|q|hi|hello|hey|dr\s+here)\b[\s,:]*)+", re.I)
# A part that asks: a question, or a request (an interrogative or imperative first word).
_ASKING = re.compile(r"^(?:is|are|was|were|am|does|do|did|has|have|had|can|could|would|should|shall|will|may|might|must|"
                     r"what|what's|whats|which|how|why|when|where|any|anything|tell|give|list|say|show|use|act|read|"
                     r"interpret|classify|grade|judge|write|provide|explain|describe|summari[sz]e|compare|report|"
                     r"diagnose|confirm|rule|assess|evaluate|check|screen|identify|detect|determine|estimate|decide|"
                     r"advise|recommend|suggest|prescribe|let|i\s+(?:need|want|would\s+like)|we\s+need|"
                     r"i'?d\s+like|need|want|looking\s+for|wondering|isn'?t|aren'?t|doesn'?t|don'?t|perhaps|maybe|"
                     r"i\s+(?:was|am|'m)\s+(?:hoping|wondering)|i\s+wonder|i'?d\s+(?:appreciate|be\s+grateful)|"
                     r"\w+(?:\s+\w+)?\s+or\s+not\b|"
                     r"can'?t|won'?t|shouldn'?t|fit|safe|cleared|competent)\b", re.I)
# A part that gives the setting rather than asking: "given that she has a history of depression",
# "who has ADHD", "since he is on lithium".
_BACKGROUND = re.compile(r"^(?:given|since|because|although|though|while|whereas|if|after|before|despite|considering|"
                         r"who|whose|whom|knowing|especially|particularly|even|for\s+(?:my|our|a|an|the)|in\s+(?:my|our|a|"
                         r"an|the)|with\s+(?:a|an|her|his|their))\b", re.I)
_RELATIVE = re.compile(r"^which\s+(?:is|was|has|had|means)\b", re.I)  # after a comma: "…, which is why"


_WHOLE = re.compile(r"\byes\s+or\s+no\b|\by/n\b", re.I)
# An ask somewhere in a part that starts otherwise: "As care-home manager I need to know if …".
_ASKS_WITHIN = re.compile(r"\b(?:I|we)\s+(?:need|want|would\s+like|have)\s+to\s+know\b|\b(?:wants?|needs?|would\s+like)\s+to\s+"
                          r"know\b|\basks?\s+(?:me\s+)?(?:if|whether)\b|\btell\s+me\b|\bcan\s+you\b|"
                          r"\bcould\s+you\b|\bplease\b", re.I)
# An ask that leans on the sentence before: short ("normal?", "which one?", "yes or no?"), or pointing
# back ("Can you see whether she still has them?", "Would you advise us to start it?", "Is that the case?").
_LEANS_BACK = re.compile(r"^\W*(?:\w+\W*){1,4}$|\b(?:it|them|one)\b|\b(?:yes\s+or\s+no|or\s+not|or\s+nah)\b|"
                         r"\bthe\s+case\b|\bsay\s+(?:so|that)\b|\bthat\s+(?:true|right|correct|likely|possible)\b", re.I)


def _asks(text: str) -> list[tuple[str, str | None]]:
    """The parts of a question that ask something, each with the sentence it leans on (or None): an
    ask runs from a part that asks (a question, a request) to the end of its sentence or to a part
    that gives the setting. A background statement ("She has epilepsy", "He's on sertraline", "…, who
    has ADHD") asks nothing. A short ask, or one that points back ("Could you tell me if he has it?"),
    leans on the sentence before. Without any part that asks, the last sentence is the ask."""
    asks: list[tuple[str, str | None]] = []
    sentences = [s.strip() for s in _SENTENCES.split(text) if s and s.strip()]
    for n, sentence in enumerate(sentences):
        before = sentences[n - 1] if n else None
        if _WHOLE.search(sentence):  # "Anxiety disorder, yes or no, for this participant?"
            asks.append((sentence, before if _LEANS_BACK.search(sentence) else None))
            continue
        parts = [_LEADING.sub("", p).strip() for p in _COMMA.split(sentence) if p.strip()]
        runs: list[str] = []
        run: list[str] = []
        for i, part in enumerate(parts):
            if _BACKGROUND.match(part) or (i and _RELATIVE.match(part)):
                if run:
                    runs.append(", ".join(run))
                run = []
            elif run or part.endswith("?") or _ASKING.match(part) or _ASKS_WITHIN.search(part):
                run.append(part)
        if run:
            runs.append(", ".join(run))
        # An ask ending in a colon ("Just tell me:") introduces the next sentence; it leans on nothing before.
        asks += [(ask, before if before and _LEANS_BACK.search(ask) and not ask.endswith(":") else None) for ask in runs]
    return asks or [(sentences[-1] if sentences else text, None)]


# What the assistant answers: a sentence that names any of it is the setting of a short ask, not its
# subject ("…, not a diagnosis. Can you give one?" asks for the summary).
_ANSWERABLE = re.compile(r"\b(?:valence|arousal|emotion\w*|mood|reading|quality|signal|clean|noisy|channels?|electrodes?|"
                         r"bands?|alpha|beta|theta|delta|gamma|asymmetry|summar\w*|confiden\w*|sure|reference|over\s+time|"
                         r"happy|sad|sadness|fear|anger|angry|disgust|surprise|neutral|calm|stress\w*|excited|relaxed)\b",
                         re.I)
# A clinical subject named in the sentence an ask leans on, by topic.
_SUBJECTS = (("treatment", re.compile(rf"\b(?:{_DRUG}|{_THERAPY})\b", re.I)),
             ("seizure", re.compile(rf"{_SEIZURE.pattern}|\bepilep\w*", re.I)),
             ("deception", _DECEPTION),
             ("diagnosis", re.compile(rf"\b(?:{_CONDITION}|{_STATE})\b", re.I)))


# "I'm not asking for a diagnosis", "no medication question, just …": what a question sets aside.
_SET_ASIDE = re.compile(r"(?:\bnot\s+(?:asking|looking|after|interested|wanting|about|for|a|an|the|any|my|our)|\bno\s+"
                        r"(?:need|interest|request)|\bdon'?t\s+(?:need|want|ask)|\bnever\s+mind|\bwithout|\brather\s+than|"
                        r"\binstead\s+of|\bother\s+than|\bapart\s+from|\bbesides|\bexcept|\bleaving\s+aside|"
                        r"\bsetting\s+aside|\baside\s+from|\bforget|\bignore|\bbeyond|\bcan'?t\s+tell|\bcannot\s+tell)\b"
                        r"[^,;]{0,30}$|\b(?:not|no)\s*$", re.I)


def _asked(pattern: re.Pattern, part: str) -> bool:
    """Whether `pattern` matches in `part` other than where the part sets it aside."""
    return any(not _SET_ASIDE.search(part[:m.start()]) for m in pattern.finditer(part))


# An ask to act on a drug named elsewhere in the question: "He's on lorazepam, can we stop it now?".
_ACT_ON_IT = re.compile(r"\b(?:stop|start|increase|decrease|reduce|raise|lower|taper|wean\s+(?:\w+\s+)?off|drop|switch|"
                        r"change|adjust|halve|double|up|come\s+off|go\s+off|keep\s+(?:him|her|them|me)\s+on|"
                        r"take\s+(?:him|her|them|me)\s+off|get\s+(?:him|her|them|me)\s+off)\s+(?:it|them|that|this|the\s+dose)\b",
                        re.I)
_NAMES_DRUG = re.compile(rf"\b(?:{_DRUG})\b", re.I)
_NAMES_TREATMENT = re.compile(rf"\b(?:{_DRUG}|{_THERAPY})\b", re.I)
_NAMES_CONDITION = dict(_SUBJECTS)["diagnosis"]
# A short ask for advice on what the question proposes: "…, good idea?", "Worth trying?".
_ADVICE_ASK = re.compile(r"^\W*(?:(?:is\s+(?:it|that|this)\s+)?(?:a\s+)?(?:good|bad|wise|sensible)\s+idea|worth\s+(?:a\s+)?"
                         r"(?:try\w*|shot|go|it)|(?:is\s+(?:it|that)\s+)?(?:ok(?:ay)?|safe|advisable|sensible)(?:\s+to\s+do)?|"
                         r"should\s+(?:we|i|she|he|they)(?:\s+do\s+(?:it|that))?|thoughts)\W*$", re.I)
# An ask to corroborate what the sentence before says: "… she seems depressed — does the EEG back them up?".
_CORROBORATE = re.compile(r"\bback\s+(?:\w+\s+)?up\b|\bbear\s+(?:\w+\s+)?out\b|\b(?:confirm|support|corroborat\w*|"
                          r"agree\s+with|line\s+up\s+with|fit\s+with)\s+(?:it|that|this|them|her|him|what)\b|"
                          r"\b(?:are|is)\s+(?:they|she|he)\s+right\b", re.I)


def clinical_ask(question: str) -> str | None:
    """The topic of a clinical judgement `question` asks for ("diagnosis", "treatment", "seizure",
    "deception"; `TOPICS`), or None when it asks something the assistant answers."""
    text = " ".join((question or "").split())
    asks = _asks(text)
    for topic, pattern in _CHECKS:
        if any(_asked(pattern, _TREATMENT_SETTING.sub(" ", ask) if topic == "treatment" else ask) for ask, _ in asks):
            return topic
    if any(_asked(_ACT_ON_IT, ask) for ask, _ in asks) and _asked(_NAMES_DRUG, text):
        return "treatment"
    if any(_CHOOSING.search(ask) or _ADVICE_ASK.match(ask) for ask, _ in asks) and _asked(_TREATMENT_CHOICE, text):
        return "treatment"
    if any(_ADVICE_ASK.match(ask) for ask, _ in asks) and _asked(_NAMES_TREATMENT, _TREATMENT_SETTING.sub(" ", text)):
        return "treatment"
    if any(leaned_on and _CORROBORATE.search(ask) and _asked(_NAMES_CONDITION, leaned_on) for ask, leaned_on in asks):
        return "diagnosis"
    for ask, leaned_on in asks:  # "Bipolar: yes or no?", "He was prescribed X. Should he start it?"
        if leaned_on and not _ANSWERABLE.search(ask) and not _ANSWERABLE.search(leaned_on):
            for topic, pattern in _SUBJECTS:
                if _asked(pattern, leaned_on):
                    return topic
    return None


@dataclass(frozen=True)
class ScopeCheck:
    """A question declined: the topic, what recognised it ("rules", or "classifier" where the rules
    found nothing: `prompts.scope_classifier`) and, for the classifier, its probability."""
    topic: str
    by: str
    probability: float | None = None

    def to_dict(self) -> dict:
        return {"topic": self.topic, "by": self.by,
                "probability": None if self.probability is None else round(self.probability, 3)}


def scope_check(question: str) -> ScopeCheck | None:
    """Whether to decline `question` as a clinical judgement: the rules first (`clinical_ask`), then,
    where they find nothing, the classifier fitted on the scope corpora where it is sure. None: answer it."""
    topic = clinical_ask(question)
    if topic is not None:
        return ScopeCheck(topic, "rules")
    from .scope_classifier import scope_classifier

    read = scope_classifier().topic(question or "")
    return None if read is None else ScopeCheck(read[0], "classifier", read[1])


def scope_reply(topic: str, labels) -> str:
    """The answer to a question of `topic`, in the answer format: what the tool does not do and why,
    what it can report instead, and an abstention at chance confidence."""
    what, why = TOPICS[topic]
    reasoning = (f"This is a research tool that reads emotion-related patterns in EEG; it does not {what}: {why}. "
                 f"About this recording I can report the signal quality and bad channels, band power against the "
                 f"reference, the frontal alpha asymmetry, and an emotion reading with how sure it is.")
    return format_answer(reasoning, ABSTAIN, chance_among(labels))


__all__ = ["TOPICS", "ScopeCheck", "clinical_ask", "scope_check", "scope_reply"]
