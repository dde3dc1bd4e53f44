"""Words the identifier guard reads people by: given names from many naming traditions, personal
titles, and the roles that mark a name as a clinician's or staff member's (which a note may carry).
Data only; `reports.identifier_guard` does the matching."""

from __future__ import annotations

# Common given names (English-speaking, European, Latin American, South Asian, East Asian,
# African, Arabic and Persian traditions), lower case. Names that are also ordinary English words
# ("will", "may", "grace", "mark") are in AMBIGUOUS_GIVEN_NAMES: they count only with a surname.
GIVEN_NAMES = frozenset("""
aaron abby abdul abdullah abigail abu ada adam adaeze adebayo adele adeola adriana adrian agnes ahmad
ahmed aidan aisha akira akosua alan albert alberto aleksandra alex alexander alexandra alexei alfredo
ali alice alicia alina alison amal amanda amara amelia amina amir amit amy ana anastasia anders andre
andrea andreas andrew andrzej angela angelica anika anil anita anja ann anna anne annette anthony
antoine antonio anya arash arjun arman arnav arthur arun asha ashley aya ayesha babajide barbara beata
beatriz ben benjamin bernard beth bethany bilal bogdan boris brenda brian bridget bruno bryan camila
carla carlos carmen caroline carlos catherine cecilia celine charles charlotte chen chiara chidi
chinedu chioma chloe chris christian christina christine christopher chukwu claire clara claudia
colin connor craig cristina cynthia daniel daniela danielle dariusz david davide deborah deepak
deepika denis dennis diana diego dimitri dmitri dominic donald dorota dorothy duc dylan edward elena
eleanor elif elizabeth ella ellen emeka emily emma emmanuel enrique eric erik esther ethan eugene eva
evelyn ewa fatima fatma felipe felix fernando filip fiona francesca francesco francisco franz fred
gabriel gabriela gareth gary george georgia gerald gianluca giovanni giulia giuseppe gloria gonzalo
gordon greta gregory guillaume gustavo hamid hana hannah hans haruto hassan heather heinz helen helena
henrik henry hiroshi hoang hugo hui hussein ian ibrahim ifeoma igor ilya imran ines ingrid irene
isaac isabel isabella ivan jacob jacqueline jakub james jamal jana janet janice jasmine jason
javier jean jeffrey jennifer jens jeremy jessica jia jiang joanna joao joaquin johan johanna john
jonathan jorge jose josef joseph joshua juan judith julia julian julie julien jun jurgen justin kai
kamal karen karim karin karl katarzyna kate katherine kathleen kavya keith kenji kenneth kevin khalid
kim kiran klaus kofi krishna krzysztof kumar kwame lakshmi lan laura lauren lawrence leila leon
leonardo li lin linda lindsay lisa liu lorenzo louis lucas lucia luis luka lukas magdalena mahmoud
maja malik manuel marco marek margaret maria mariam marie marina mario marta martin mary maryam mateo
matteo matthew maurice megan mehmet mei melissa mia michael michal michelle miguel mihai mikhail
ming mohammed mohammad monica monika mustafa nadia nam nancy naomi natalia natalie nathan neha nicholas
nicola nicole nikhil nikolai nina noah noor nora nuno obinna oleg olga oliver olivia omar oscar
pablo pamela paolo patricia patrick paul paula pavel pedro peter philip pierre piotr pooja priya
rachel rafael rahul raj rajesh ramon rania rashid raul rebecca reza ricardo richard rita robert
roberto rohan roman ronald rosa ruth ryan sabrina sadia sahil sakura samantha samuel sandra sanjay
santiago sara sarah sebastian sergei sergio shanthi sharon shreya simon sofia sonia sophie stanislaw
stefan stefano stephanie stephen steven sunil susan suresh svetlana sven takeshi tamara tanvir tatiana
teresa thabo thomas tiago timothy tobias tomasz tunde ursula valentina valeria vanessa vasile
veronica victor victoria vijay vikram vincent vivek vladimir walter wang wei wen wojciech xavier
xin yan yasmin thi van minh anh linh huong hanh tuan hung trang yelena yi ying yoshiko youssef yu yuki
yusuf zainab zara zeynep zhang zhao zoe
jane joan judy kelly kimberly lucy molly sophia tom tommy tim jim joe sam dan matt mike nick steve
liz meg jen jenny becky annie ellie katie sally wendy tracy tina heidi gina harry freddie alfie archie
isla poppy freya millie evie florence leo theo finn jake luke liam mason logan elijah aiden caleb owen
wyatt levi isaiah gavin hailey madison ava harper avery aria scarlett layla riley aubrey addison
savannah skylar stella maya leah audrey jayden brandon tyler austin kyle zach zachary cody derek todd
troy shane sean brett neil nigel trevor graham stuart alastair hamish angus callum rhys owain sian
cerys niamh aoife siobhan ciaran padraig declan eoin oisin susie margot agnieszka zofia halina
marcin pawel tomek jurgen sabine ulrike monika birgit dieter helmut wolfgang ingeborg gisele
francois francoise amelie chantal mathilde thierry yves rosario dolores lupe guadalupe alejandro
sipho thandiwe lerato nomvula bongani sizwe zanele themba kagiso tendai tatenda chipo farai kwabena
yaw abena efua kojo adwoa amadou moussa fatoumata aminata ibrahima mamadou ousmane seydou aissatou
oumar chiamaka ngozi nkechi uche ikenna olumide oluwaseun segun tolu femi funmi yetunde bukola kemi
wanjiru wambui njeri kamau otieno achieng akinyi baraka juma zawadi imani amani neema
sven erik lars karl nils olof bjorn astrid sigrid linnea elin ebba freja kerstin birgitta gunnar leif
magnus mikael jukka mikko matti pekka jussi sanna aino eero aroha tane mere hemi wiremu flor joana
alejandra fernanda valentina ximena jimena catalina rodrigo emilio andres esteban mariana lorena
""".split())
AMBIGUOUS_GIVEN_NAMES = frozenset("""
will may june mark grace hope faith joy dawn rose jack max bill pat art frank sunny summer amber olive
ivy iris lily violet hazel ruby crystal holly robin gene guy don ray dean bob sue carol chase hunter
wade cliff glen dale lance rich drew penny sky angel patience charity precious miracle august april
autumn river storm page norman bradley stanley long young lee
""".split())
# Personal titles before a name (English and the languages non-native writers bring).
TITLES = (r"mr|mrs|ms|miss|mx|herr|frau|sr|sra|srta|señor|señora|señorita|mme|mlle|monsieur|madame|signor|"
          r"signora|sig\.ra|pani|shri|smt|sri|kumari|sheikh|mevr|mevrouw|dhr|meneer|dona|dna")
# Titles that are never ordinary words, so a lower-case name after them is still a name.
PLAIN_TITLES = r"mr|mrs|mx|mister|missus|shri|smt|frau|herr"
# A name next to one of these belongs to staff, whose names a note may carry.
CLINICIAN_ROLES = (r"dr|doctor|prof|professor|nurse|sister|matron|technician|technologist|tech|consultant|"
                   r"registrar|resident|fellow|intern|physician|neurologist|psychiatrist|psychologist|"
                   r"neurophysiologist|physiologist|radiographer|therapist|clinician|rn|np|pa|gp|attending|"
                   r"surgeon|pharmacist|coordinator|investigator|pi|supervisor|reviewer|scientist|"
                   r"researcher|student|staff|colleague|ra|md|phd|dphil|frcp|mrcp|pr|docteur|médecin|"
                   r"infirmi[eè]re?|chef de service|interne|médico|doctora|enfermer[oa]|arzt|ärztin|"
                   r"oberarzt|oberärztin|chefarzt|chefärztin|pfleger(?:in)?|mta")
# People a note may name by relation to the patient (their names are identifiers too).
RELATIONS = (r"patient|pt|client|subject name|son|daughter|wife|husband|mother|father|mum|mom|mam|dad|"
             r"brother|sister|partner|spouse|fianc[eé]e?|boyfriend|girlfriend|carer|caregiver|guardian|"
             r"grandson|granddaughter|grandmother|grandfather|grandma|grandpa|nephew|niece|aunt|uncle|"
             r"cousin|employer|boss|neighbou?r|child|baby|infant|toddler|boy|girl|paciente|patiente|"
             r"patientin|hij[oa]|espos[oa]|marido|madre|padre|fils|fille|femme|mari|mère|père|sohn|tochter|"
             r"ehefrau|ehemann|mutter|vater|flatmate|roommate|housemate|friend|classmate|schoolmate")
# Words after a person's name that make it an eponym ("Todd's paresis", "Hans Berger's rhythm").
EPONYM_NOUNS = frozenset("""
paresis palsy syndrome disease disorder sign signs phenomenon test tests method law effect criteria
scale index rhythm wave waves reflex procedure window filter filters transform parameters coefficient
correlation algorithm equation theorem distribution statistic procedure classification system
""".split())
