"""What the prescription guard knows about medication: names, classes, name stems, dose units,
schedules and routes. Data only: `reports.guard` matches them in note text, `prompts.scope` in questions.

Names are written from pharmacopoeias' common entries across the classes an EEG note might meet
(psychiatric, neurological, sleep, pain, cardiovascular and everyday drugs), generic and brand,
in several countries' spellings; names that are also what a study measures or an ordinary word in
neuroscience (hormones such as testosterone, "Soma") are left out. A name not listed is still caught when it carries an INN stem
(`STEMS`: "-azepam", "-oxetine", "-apine"…) or is one letter away from a listed name.
"""

from __future__ import annotations

GENERICS = """
sertraline fluoxetine paroxetine citalopram escitalopram fluvoxamine vortioxetine vilazodone
venlafaxine desvenlafaxine duloxetine milnacipran levomilnacipran reboxetine atomoxetine bupropion
mirtazapine mianserin trazodone nefazodone agomelatine tianeptine amitriptyline nortriptyline
imipramine desipramine clomipramine doxepin dosulepin dothiepin lofepramine trimipramine protriptyline
amoxapine maprotiline melitracen phenelzine tranylcypromine isocarboxazid moclobemide selegiline
rasagiline safinamide esketamine ketamine brexanolone zuranolone gepirone
lithium valproate valproic divalproex lamotrigine carbamazepine oxcarbazepine eslicarbazepine
quetiapine olanzapine risperidone paliperidone aripiprazole brexpiprazole cariprazine lurasidone
ziprasidone asenapine iloperidone lumateperone clozapine amisulpride sulpiride haloperidol
chlorpromazine fluphenazine perphenazine trifluoperazine thioridazine zuclopenthixol flupentixol
flupenthixol pimozide loxapine promazine levomepromazine pipamperone sertindole pimavanserin
diazepam lorazepam alprazolam clonazepam oxazepam temazepam nitrazepam flurazepam midazolam
chlordiazepoxide clobazam clorazepate bromazepam triazolam estazolam lormetazepam flunitrazepam
prazepam chlorazepate remimazolam
zolpidem zopiclone eszopiclone zaleplon suvorexant lemborexant daridorexant ramelteon
buspirone hydroxyzine pregabalin gabapentin propranolol clonidine guanfacine prazosin
methylphenidate dexmethylphenidate lisdexamfetamine lisdexamphetamine dexamfetamine dexamphetamine
amfetamine amphetamine methamphetamine modafinil armodafinil pitolisant solriamfetol viloxazine
oxybate
levetiracetam brivaracetam lacosamide zonisamide topiramate phenytoin fosphenytoin phenobarbital
phenobarbitone primidone ethosuximide perampanel cenobamate rufinamide stiripentol felbamate
tiagabine vigabatrin retigabine ezogabine fenfluramine cannabidiol sulthiame acetazolamide
everolimus ganaxolone
donepezil rivastigmine galantamine memantine levodopa carbidopa benserazide ropinirole
pramipexole rotigotine apomorphine amantadine entacapone opicapone tolcapone biperiden
procyclidine trihexyphenidyl benztropine tetrabenazine deutetrabenazine valbenazine riluzole
morphine codeine oxycodone hydrocodone hydromorphone oxymorphone fentanyl tramadol tapentadol
methadone buprenorphine naloxone naltrexone nalmefene pethidine meperidine diamorphine
dihydrocodeine tilidine nalbuphine
paracetamol acetaminophen ibuprofen naproxen diclofenac aspirin celecoxib etoricoxib
indometacin indomethacin ketorolac mefenamic metamizole dipyrone
sumatriptan rizatriptan zolmitriptan naratriptan eletriptan almotriptan frovatriptan erenumab
galcanezumab fremanezumab rimegepant ubrogepant atogepant
baclofen tizanidine cyclobenzaprine carisoprodol methocarbamol dantrolene orphenadrine
propofol thiopental thiopentone remifentanil sufentanil alfentanil dexmedetomidine etomidate sevoflurane
isoflurane lidocaine
disulfiram acamprosate varenicline
metoprolol atenolol bisoprolol carvedilol nebivolol labetalol nadolol sotalol timolol
amlodipine nifedipine diltiazem verapamil ramipril lisinopril enalapril perindopril captopril
losartan valsartan candesartan irbesartan telmisartan hydrochlorothiazide furosemide
bumetanide spironolactone indapamide digoxin amiodarone atorvastatin simvastatin rosuvastatin
pravastatin warfarin apixaban rivaroxaban dabigatran edoxaban heparin enoxaparin clopidogrel
ticagrelor metformin insulin gliclazide glimepiride sitagliptin empagliflozin dapagliflozin
semaglutide liraglutide tirzepatide levothyroxine liothyronine carbimazole
prednisolone prednisone dexamethasone hydrocortisone methylprednisolone
omeprazole esomeprazole lansoprazole pantoprazole rabeprazole ranitidine famotidine
ondansetron metoclopramide domperidone prochlorperazine promethazine cyclizine
cetirizine loratadine fexofenadine diphenhydramine chlorphenamine chlorpheniramine doxylamine
salbutamol albuterol salmeterol formoterol tiotropium montelukast pseudoephedrine
penicillin amoxicillin doxycycline ciprofloxacin azithromycin clarithromycin
"""

# Names as Chinese prescriptions write them (sertraline, fluoxetine, paroxetine, citalopram, escitalopram,
# venlafaxine, duloxetine, mirtazapine, trazodone, agomelatine, Deanxit, olanzapine, quetiapine,
# risperidone, aripiprazole, clozapine, haloperidol, lorazepam, alprazolam, clonazepam, diazepam,
# estazolam, zolpidem, zopiclone, lithium carbonate, sodium valproate, carbamazepine, lamotrigine,
# levetiracetam, topiramate, oxcarbazepine, phenytoin, methylphenidate, buspirone) and their stems.
CJK_NAMES = ("舍曲林", "氟西汀", "帕罗西汀", "西酞普兰", "艾司西酞普兰", "文拉法辛", "度洛西汀", "米氮平", "曲唑酮",
             "阿戈美拉汀", "黛力新", "奥氮平", "喹硫平", "利培酮", "阿立哌唑", "氯氮平", "氟哌啶醇", "劳拉西泮",
             "阿普唑仑", "氯硝西泮", "地西泮", "艾司唑仑", "唑吡坦", "佐匹克隆", "碳酸锂", "丙戊酸", "卡马西平",
             "拉莫三嗪", "左乙拉西坦", "托吡酯", "奥卡西平", "苯妥英", "哌甲酯", "丁螺环酮", "西泮", "唑仑", "西汀",
             "抗抑郁药", "安眠药", "镇静剂")

BRANDS = """
prozac sarafem zoloft lustral paxil seroxat celexa cipramil cipralex lexapro luvox faverin
trintellix brintellix viibryd effexor efexor pristiq cymbalta yentreve fetzima edronax wellbutrin
zyban remeron zispin desyrel molipaxin trittico valdoxan thymanax stablon coaxil elavil tryptizol
pamelor anafranil tofranil sinequan prothiaden nardil parnate marplan manerix emsam deanxit
nexito petril spravato auvelity zurzuvae
priadel camcolit liskonum lithobid depakote depakine epilim convulex episenta lamictal
tegretol trileptal aptiom zebinix seroquel zyprexa risperdal invega xeplion trevicta abilify
rexulti vraylar reagila latuda geodon zeldox saphris sycrest fanapt caplyta clozaril leponex
denzapine solian haldol serenace largactil thorazine modecate depixol clopixol fluanxol orap
stelazine nozinan sizodon nuplazid
valium stesolid ativan tavor xanax klonopin rivotril serax restoril halcion dormicum hypnovel
buccolam librium frisium onfi tranxene lexotan lexotanil rohypnol mogadon
ambien stilnox zimovane imovane lunesta belsomra dayvigo quviviq rozerem
buspar atarax lyrica neurontin inderal catapres kapvay intuniv tenex
ritalin concerta medikinet equasym focalin adderall vyvanse elvanse dexedrine strattera
qelbree provigil nuvigil modiodal wakix sunosi xyrem xywav
keppra briviact vimpat zonegran topamax dilantin epanutin mysoline zarontin emeside fycompa
xcopri ontozry banzel inovelon diacomit sabril gabitril epidiolex epidyolex fintepla diamox
aricept exelon reminyl razadyne namenda ebixa sinemet madopar requip mirapex sifrol neupro
azilect xadago eldepryl stalevo xenazine austedo ingrezza rilutek
oxycontin oxynorm percocet vicodin norco tramal zydol ultram oramorph sevredol durogesic
duragesic subutex suboxone espranor methadose physeptone palexia nucynta
tylenol panadol calpol advil nurofen motrin aleve naprosyn voltaren voltarol celebrex arcoxia
disprin co-codamol co-dydramol solpadeine
imitrex imigran maxalt zomig aimovig emgality ajovy nurtec
lioresal zanaflex flexeril diprivan ketalar narcan
antabuse campral revia vivitrol selincro champix chantix
tenormin lopressor betaloc concor cardicor coreg lasix lipitor zocor crestor plavix eliquis
xarelto pradaxa coumadin glucophage ozempic wegovy mounjaro synthroid euthyrox eltroxin
losec prilosec nexium zantac pepcid zofran maxolon motilium stemetil phenergan benadryl nytol
piriton zyrtec claritin ventolin sudafed minias entact laroxyl depakin tryptanol gardenal paxera myslee depas
sublocade xanor deroxat seresta lysanxia noctamid tafil lorans
"""

# Generic-name stems (INN/USAN): a name ending in one of these is a drug even when not listed.
STEMS = (
    "azepam", "azolam", "zolam", "oxetine", "faxine", "pramine", "triptyline", "tyline", "apine", "zepine",
    "peridol", "piprazole", "prazole", "olol", "sartan", "statin", "tidine", "setron", "triptan", "barbital",
    "amfetamine", "amphetamine", "phenidate", "codone", "morphone", "fentanil", "gabalin",
    "racetam", "trigine", "bamate", "mazine", "perazine", "phenazine", "thixol", "pentixol", "pirone",
    "piclone", "orexant", "xepin", "giline", "pezil", "mantine", "stigmine", "cillin", "mycin", "floxacin",
    "cycline", "semide", "thiazide", "dipine", "profen", "fenac", "coxib", "lukast", "butamol",
    "formin", "gliptin", "glitazone", "gliflozin", "tinib", "xaban", "gatran", "parin", "conazole",
    "methasone", "nisolone", "suximide", "ipramine", "atadine", "tirizine", "gepant", "dronate",
    "idone", "pril", "terol", "samide", "prazine", "mab", "ridol", "lamide", "zodone",
)
# English words that end in a stem or are a letter or two away from a name: every whole word of the
# embedded LLM's vocabulary (24,427 words) the guard would otherwise read as a name, and a few more.
NOT_DRUGS = frozenset("""
ability aspiring austral compressor creator moderate cholesterol concert concerts concerto sonata
""".split())

# Drug classes and everyday names for medication: naming one is naming medication.
CLASS_PATTERNS = (
    r"ssris?", r"snris?", r"tcas?", r"maois?", r"mao[- ]?inhibitors?", r"nassas?", r"ndris?", r"saris?",
    r"aeds?", r"asms", r"nsaids?", r"ppis?", r"doacs?", r"noacs?", r"ace[- ]inhibitors?",
    r"(?:selective )?(?:serotonin|noradrenaline|norepinephrine|dopamine)[- ](?:\w+[- ])?reuptake inhibitors?",
    r"reuptake inhibitors?", r"cholinesterase inhibitors?", r"dopamine agonists?",
    r"anti-?depressants?", r"anti-?psychotics?", r"neuroleptics?", r"anxiolytics?", r"hypnotics",
    r"(?:a|an|the) hypnotic", r"hypnotic (?:medication|drug|agent)s?", r"sedatives?", r"tranquil+i[sz]ers?",
    r"benzodiazepines?", r"benzos?", r"benzies", r"z[- ]?drugs?", r"opioids?", r"opiates?",
    r"beta[- ]?blockers?", r"β[- ]?blockers?", r"antihistamines?", r"(?:cortico)?steroids?",
    r"painkillers?", r"pain ?killers?", r"analgesics?", r"psychotropics?", r"psychotropic (?:medication|drug)s?",
    r"barbiturates?", r"anti-?convulsants?", r"anti-?epileptics?", r"anti-?seizure (?:medication|medicine|drug)s?",
    r"mood[- ]stabili[sz]ers?", r"stimulants?", r"non-?stimulants?", r"nootropics?", r"antihypertensives?",
    r"anticoagulants?", r"blood thinners?", r"antibiotics?", r"anti-?parkinson\w*", r"anticholinergics?",
    r"sleeping (?:pills?|tablets?|draughts?)", r"(?:nerve|happy|water|diet|pep) pills", r"xann?(?:ies|ys?)",
    r"addys?", r"addies", r"vallies", r"percs", r"roxies", r"klonnies", r"bupe", r"depot(?: injections?)?",
    r"caffeine (?:citrate|base)", r"(?:receiving|given|loading|maintenance)\s+(?:dose of\s+)?caffeine",
    r"(?:on\s+)?a script (?:for|of)",
    r"(?:gaba-?ergic|serotonergic|dopaminergic|noradrenergic|adrenergic|cholinergic|glutamatergic|"
    r"histaminergic) (?:agents?|drugs?|medications?|compounds?)",
    r"(?:agents?|drugs?|compounds?) (?:targeting|acting on|that (?:blocks?|boosts?|raises?|increases?|enhances?)) "
    r"(?:\w+ )?(?:serotonin|dopamine|noradrenaline|norepinephrine|gaba|glutamate|histamine|orexin|acetylcholine)",
    r"(?:adhd|anxiety|seizure|epilepsy|psych|psychiatric|sleep|pain|heart|blood pressure|bp|mood|migraine)"
    r" (?:meds|medications?|medicines?|pills|tablets|drugs)",
)
# Upper-case abbreviations of antiseizure medications, as epilepsy notes write them (case-sensitive:
# "per", "lev" and the like are ordinary words in lower case).
UPPER_ABBREVIATIONS = ("LEV", "LTG", "VPA", "CBZ", "OXC", "TPM", "LCM", "CLB", "ZNS", "BRV", "ESL", "PHT",
                       "PGB", "ESM", "RUF", "CZP", "MPH")
# Caffeine and the like describe recording conditions; "stimulant" next to them is not medication.
CONDITION_SUBSTANCES = r"caffeine|coffee|tea|nicotine|energy drinks?|cola|alcohol|tobacco|cigarettes?"

NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve fifteen twenty "
                "twenty-five thirty forty fifty sixty seventy-five hundred half quarter").split()
MASS_UNITS = r"毫克|MAC|mg|milligrams?|milligrammes?|mgs|mcg|micrograms?|microgrammes?|µg|μg|ug|ng|nanograms?|iu|i\.u\."
VOLUME_UNITS = r"ml|mls|millilit(?:re|er)s?|cc"
COUNT_UNITS = (r"tablets?|tabs?|tab\.|caps?|capsules?|pills?|drops|gtts?|puffs?|sachets?|lozenges?|"
               r"patch(?:es)?|ampoules?|ampules?|vials?|injections?|suppositor(?:y|ies)|sprays?|"
               r"tabletten?|kapseln?|tropfen|comprimidos?|cápsulas?|gotas|comprimés?|gélules?|gouttes|"
               r"compresse|cp\.?|cps|片|粒")
# Schedules that name a dosing time on their own.
STRONG_SCHEDULES = (r"nocte|prn|p\.r\.n\.?|b\.i\.d\.?|t\.i\.d\.?|q\.i\.d\.?|t\.d\.s\.?|q\.d\.s\.?|qds|tds|"
                    r"qhs|q\.h\.s\.?|q\.?\s?\d{1,2}\s?h(?:rs?|ours?)?|q\.d\.?|s\.i\.d\.|h\.s\.|b\.d\.|o\.d\.|"
                    r"o\.m\.|o\.n\.|bis in die|ter in die|quater in die|semel in die|mane et nocte|"
                    r"si besoin|au coucher|le soir|por la noche|vor dem schlafen|bei bedarf|b\. ?bed\.?|z\. ?n\.|"
                    r"每日|每天|每晚|睡前")
# Schedules that are ordinary words elsewhere ("on", "stat", "daily"): a dose only right after a number.
WEAK_SCHEDULES = (r"od|bd|bid|tid|qid|hs|sid|stat|sos|mane|daily|nightly|at night|at bedtime|"
                  r"in the morning|in the evening|twice (?:a|per) day|once (?:a|per) day|per day|a day|/day|/d")
STRONG_ROUTES = (r"sublingual(?:ly)?|intramuscular(?:ly)?|subcutaneous(?:ly)?|intravenous(?:ly)?|"
                 r"transdermal(?:ly)?|intranasal(?:ly)?|per os|by mouth|per rectum|buccal(?:ly)?")
WEAK_ROUTES = r"iv|im|sc|sl|po|p\.o\.|i\.v\.|i\.m\.|s\.c\.|orally|oral|rectally|nasally|inhaled"

# Verbs of starting, stopping or changing a treatment, and what they act on when it is medication.
DIRECTIVE_VERBS = (r"start|commenc|initiat|begin|began|begun|stop|discontinu|ceas|withdr[ae]w|increas|decreas|"
                   r"reduc|rais|lower|halv|doubl|titrat|uptitrat|up-titrat|downtitrat|taper|wean|switch|"
                   r"chang|swap|hold|held|withh[oe]ld|omit|skip|review|adjust|optimi[sz]|trial|add|augment|"
                   r"resum|restart|revert|continu|avoid|giv|gave|administ|prescrib|consider|recommend|"
                   r"suggest|advis|need|requir|benefit|try|tri|reconsider|rethink|revisit|absetz|abgesetzt|erhöh|reduzier|ansetz|"
                   r"suspend|aument|arrêt|diminu|retir|cambi|wechsel|停|加|减|换")
MEDICATION_OBJECTS = (r"medications?|medicines?|meds|drugs?|pharmacotherapy|pharmacological|tablets|pills|"
                      r"capsules|doses?|dosage|dosing|posology|regimen|prescriptions?|medicated|medicine|agents?|"
                      r"medikament\w*|arznei\w*|medicamentos?|médicaments?|fármacos?|farmaci|farmaco|药|药物")
# Phrases that are medication on their own.
MEDICATION_PHRASES = (
    r"(?:taper|wean)(?:ing|ed|s)?(?: \w+)? (?:off|down|from)", r"(?:up|down)-?titrat\w*", r"titrat\w* (?:up|down)",
    r"(?:medication|medicine|drug)[- ]free", r"pharmacologic(?:al)?(?: \w+)? (?:down-?regulation|modulation|support)",
    r"pharmacotherap\w*", r"pharmacologic(?:al)? (?:treatment|therapy|management|intervention|option|approach)s?",
    r"drug (?:holiday|treatment|therapy|regimen|trial|interaction)s?", r"medication (?:review|trial|change|holiday)s?",
    r"deprescrib\w*", r"dose (?:escalation|reduction|adjustment|increase|decrease|titration|change)s?",
    r"reducing (?:regime|regimen|schedule)", r"loading dose", r"maintenance dose", r"prescri(?:be|bed|bing|ption)s?",
    r"medicat(?:e|ed|ing) (?:him|her|them|the patient|the child|the participant)",
)
# Prescription words used of a protocol, and statements that medication is outside the note.
NON_MEDICAL_PRESCRIBERS = (r"protocol|paradigm|standard|guideline|montage|manual|procedure|tasks?|instructions?|"
                           r"sop|system|norm|template|rule|method|design|schedule|sessions?|training|"
                           r"neurofeedback|exercises?|breaks?|rest|recordings?")
SCOPE_STATEMENTS = (
    r"(?:outside|beyond) (?:the |this |its )?(?:[\w'’]+ )?(?:scope|remit)",
    r"not (?:within|part of|covered|addressed|assessed|discussed|considered|evaluated|reviewed|examined|"
    r"documented|recorded|checked)",
    r"no (?:\w+ )?(?:statement|comment|recommendation|advice|opinion|suggestion)s?",
    r"(?:does|do|will|can|should|must|may) not (?:address|cover|comment|make|give|offer|include|contain|"
    r"recommend|advise)", r"(?:is|are) not (?:made|given|offered|included|provided)",
    r"for the (?:treating|referring|responsible) (?:clinician|physician|doctor|team|prescriber|psychiatrist|"
    r"neurologist) to (?:decide|determine|consider|judge)", r"(?:left|deferred|refer\w*) to the (?:treating|"
    r"referring|responsible) (?:clinician|physician|doctor|team|prescriber)",
)
