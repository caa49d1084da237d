"""Words and sentences for the demo data set, and rough municipality sizes.

All text is generic Danish prose about invented situations; names are common Danish
first and last names combined at random. Nothing here describes a real person.
"""

# Approximate population in thousands, to spread cases roughly by size.
POPULATION: dict[str, float] = {
    "0101": 660, "0147": 105, "0151": 53, "0153": 39, "0155": 15, "0157": 75, "0159": 70,
    "0161": 24, "0163": 30, "0165": 28, "0167": 54, "0169": 58, "0173": 57, "0175": 41,
    "0183": 24, "0185": 44, "0187": 17, "0190": 41, "0201": 26, "0210": 41, "0217": 64,
    "0219": 53, "0223": 25, "0230": 57, "0240": 44, "0250": 46, "0253": 51, "0259": 62,
    "0260": 31, "0265": 90, "0269": 24, "0270": 41, "0306": 33, "0316": 73, "0320": 37,
    "0326": 48, "0329": 36, "0330": 80, "0336": 23, "0340": 30, "0350": 29, "0360": 40,
    "0370": 84, "0376": 60, "0390": 46, "0400": 39, "0410": 39, "0420": 41, "0430": 52,
    "0440": 24, "0450": 32, "0461": 210, "0479": 59, "0480": 30, "0482": 12, "0492": 6,
    "0510": 56, "0530": 27, "0540": 74, "0550": 37, "0561": 116, "0563": 3.5, "0573": 50,
    "0575": 43, "0580": 59, "0607": 52, "0615": 98, "0621": 95, "0630": 122, "0657": 90,
    "0661": 59, "0665": 19, "0671": 21, "0706": 43, "0707": 37, "0710": 50, "0727": 23,
    "0730": 100, "0740": 100, "0741": 3.7, "0746": 65, "0751": 370, "0756": 42, "0760": 56,
    "0766": 48, "0773": 20, "0779": 46, "0787": 43, "0791": 98, "0810": 36, "0813": 58,
    "0820": 36, "0825": 1.7, "0840": 30, "0846": 42, "0849": 38, "0851": 222, "0860": 64,
}

MALE_NAMES = (
    "Mads", "Mikkel", "Frederik", "Oliver", "Lucas", "Emil", "Noah", "William", "Magnus",
    "Jonas", "Rasmus", "Mathias", "Tobias", "Christian", "Anders", "Kasper", "Nikolaj",
    "Jakob", "Victor", "Alexander", "Sebastian", "Malthe", "Oscar", "Elias", "Carl", "Anton",
    "Marcus", "Benjamin", "Adam", "Ali", "Omar", "Yusuf", "Ibrahim", "Hamza", "Milan",
    "Daniel", "Jonathan", "Patrick", "Simon", "Thomas", "Martin", "Søren", "Lars", "Henrik",
    "Peter", "Michael",
)
FEMALE_NAMES = (
    "Emma", "Ida", "Clara", "Sofia", "Freja", "Laura", "Anna", "Ella", "Alma", "Karla",
    "Josefine", "Mathilde", "Caroline", "Sara", "Maja", "Nanna", "Cecilie", "Julie", "Amalie",
    "Louise", "Aya", "Fatima", "Maryam", "Amina", "Zainab", "Nora", "Signe", "Camilla", "Line",
    "Maria", "Mette", "Hanne", "Susanne", "Lene",
)
LAST_NAMES = (
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen",
    "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen",
    "Mikkelsen", "Frederiksen", "Laursen", "Henriksen", "Lund", "Schmidt", "Eriksen", "Holm",
    "Kristiansen", "Clausen", "Simonsen", "Svendsen", "Andreasen", "Iversen", "Jeppesen",
    "Vestergaard", "Mogensen", "Nissen", "Lauridsen", "Kjær", "Dam", "Bach", "Ali", "Hussein",
    "Yilmaz", "Khan", "Ahmed", "Kaya", "Demir", "Nguyen", "Novak", "Berisha",
)
HOUSING_AREAS = (
    "Nordparken", "Søndervang", "Engparken", "Bakkehusene", "Skovgårdsparken",
    "Vestervang", "Kildebakken", "Åløkken", "Stjernebo", "Lindeparken",
)

SENDER_OPENINGS: dict[str, tuple[str, ...]] = {
    "school": (
        "Skolens ledelse har henvendt sig efter en episode i klassen.",
        "En lærer på ungdomsuddannelsen har kontaktet kommunen.",
        "Klasselæreren har over en periode bemærket ændret adfærd.",
    ),
    "social_services": (
        "Socialrådgiver i familieafdelingen har fået oplysninger, der giver anledning til "
        "bekymring.",
        "Sagsbehandler oplyser efter et opfølgningsmøde, at der er sket en udvikling.",
    ),
    "job_centre": ("Jobkonsulent har under en samtale hæftet sig ved flere udtalelser.",),
    "health": ("Sundhedsplejen/psykiatrien har rettet henvendelse efter en konsultation.",),
    "police": ("Politiets forebyggelsesenhed har videregivet en bekymring til kommunen.",),
    "probation": ("Kriminalforsorgen oplyser, at der under afsoning er set bekymrende tegn.",),
    "asylum": ("Medarbejder på asylcentret har observeret ændringer i adfærd og omgangskreds.",),
    "secure_institution": ("Den sikrede institution har rettet henvendelse om en anbragt ung.",),
    "housing": ("Boligsocial medarbejder har hørt bekymrende udtalelser i området.",),
    "family": (
        "En forælder har kontaktet kommunen, fordi familien er bekymret.",
        "Et familiemedlem har henvendt sig og ønsker råd.",
    ),
    "friends": ("En ven har henvendt sig, fordi vedkommende er blevet bekymret.",),
    "citizen": ("En borger har henvendt sig om observationer i nærområdet.",),
    "anonymous": ("En anonym henvender har ringet ind.",),
    "hotline": ("Henvendelsen er modtaget via den nationale rådgivningslinje.",),
    "pet": ("PET har videregivet oplysninger til brug for en forebyggende indsats.",),
    "other_municipality": ("En anden kommune har overdraget en bekymring ved flytning.",),
    "other": ("En fritidsforening har henvendt sig til kommunen.",),
}

TYPE_OBSERVATIONS: dict[str, tuple[str, ...]] = {
    "right_wing": (
        "{S} har delt billeder med racistisk indhold og udtrykt sympati for voldelige "
        "højreekstremistiske miljøer.",
        "Der er set nazistiske symboler på {s}s tøj og taske.",
        "{S} har i onlinefora skrevet, at vold mod minoriteter er berettiget.",
    ),
    "militant_islamism": (
        "{S} har udtrykt sympati for militante islamistiske grupper og deres voldshandlinger.",
        "Der er observeret interesse for propagandavideoer fra en militant organisation.",
        "{S} har trukket sig fra tidligere venner og omgås nye kontakter, der forherliger "
        "væbnet kamp.",
    ),
    "left_wing": (
        "{S} har deltaget i aktioner, hvor der blev opfordret til hærværk og vold mod "
        "politiske modstandere.",
        "Der er delt materiale, som legitimerer vold mod personer med andre holdninger.",
    ),
    "anti_authority": (
        "{S} afviser myndighedernes legitimitet og har sendt truende beskeder til en "
        "sagsbehandler.",
        "{S} omtaler sig selv som suveræn og nægter at forholde sig til kommunens afgørelser.",
        "Der er fremsat trusler mod politi og kommunale medarbejdere på sociale medier.",
    ),
    "mixed": (
        "{S} veksler mellem forskellige ekstreme holdninger og er optaget af "
        "konspirationsteorier.",
        "Det er uklart, hvilken ideologi der ligger bag, men {s} udtrykker fascination af "
        "voldsomme angreb.",
    ),
    "no_clear_ideology": (
        "{S} er meget optaget af gerningsmænd bag tidligere angreb, uden at der ses en "
        "klar ideologi.",
        "Der er udtalt trusler om vold, men ingen tydelig politisk eller religiøs motivation.",
    ),
}

SIGN_SENTENCES: dict[str, str] = {
    "violence_readiness": "Der er udtalelser om, at vold kan være nødvendig.",
    "travel_training": "{S} har spurgt ind til muligheder for at rejse til et konfliktområde.",
    "seeks_material": "{S} opsøger voldslegitimerende materiale online.",
    "threats": "Andre elever/kolleger føler sig presset eller truet.",
    "hate_events": "{S} har deltaget i en demonstration med hadefulde budskaber.",
    "spreads_messages": "{S} deler voldslegitimerende budskaber i chatgrupper.",
    "preoccupied": "{S} taler næsten kun om en bestemt sag eller person.",
    "contempt": "Der gives udtryk for foragt for personer med anden baggrund eller holdning.",
    "preaching": "{S} optræder prædikende og moraliserende over for andre.",
    "symbols": "Der er set totalitære symboler i {s}s omgivelser.",
    "weapons_milieu": "{S} færdes i et miljø, hvor der er adgang til våben.",
}

CLOSINGS = (
    "Henvenderen ønsker råd om den videre håndtering.",
    "Der ønskes en vurdering i infohus.",
    "Forældrene er orienteret om henvendelsen.",
    "Der er ikke kendskab til konkrete planer om vold.",
)

NOTES: dict[str, tuple[str, ...]] = {
    "municipality": (
        "Kommunens registre er gennemgået; der er en tidligere underretning fra skolen.",
        "Familieafdelingen er orienteret og har ingen aktuel sag.",
        "Aftalt med skolen, at kontaktlæreren følger udviklingen tæt.",
        "Forældrene er kontaktet og ønsker at samarbejde.",
        "Telefonisk drøftelse med henvenderen; oplysningerne er uddybet.",
    ),
    "police": (
        "Personen er ikke kendt i politiets registre.",
        "Politiet har tidligere haft kontakt til personen i en mindre sag.",
        "Forebyggelsesbetjent har haft en bekymringssamtale.",
        "Oplysningerne er drøftet internt i politikredsen; ingen yderligere bemærkninger.",
    ),
    "shared": (
        "Sagen er drøftet på tovholdermøde mellem kommune og politi.",
        "Aftalt at sagen tages op på næste analysemøde.",
        "Status: indsatsen forløber planmæssigt.",
        "Mentor oplyser om positiv udvikling og stabilt fremmøde.",
        "Kommune og politi er enige om at afvente næste opfølgning.",
    ),
}

# CDE's nine dimensions: (concerns, resources), two wordings each.
DIMENSION_TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "beliefs": (
        ("Udtrykker sympati for voldelige budskaber.", "Deler ekstreme holdninger online."),
        ("Er villig til at drøfte sine holdninger.", "Lytter til modargumenter fra voksne."),
    ),
    "personality": (
        ("Impulsiv og let at påvirke.", "Søger anerkendelse i grupper."),
        ("Reflekterende i samtaler med voksne.", "Har humor og sociale evner."),
    ),
    "violence": (
        ("Har udtalt, at vold kan være nødvendig.", "Har været i slagsmål i skoletiden."),
        ("Ingen kendt voldelig adfærd.", "Tager afstand fra vold, når det drøftes."),
    ),
    "mental_health": (
        ("Tegn på angst og isolation.", "Søvnproblemer og svingende humør."),
        ("Er i kontakt med egen læge.", "Har tidligere taget imod samtaletilbud."),
    ),
    "criminal_history": (
        ("Enkelte mindre forhold.", "Sigtet for hærværk for et år siden."),
        ("Ingen kendt kriminalitet.", "Har overholdt tidligere aftaler med politiet."),
    ),
    "family": (
        ("Konflikter i hjemmet.", "Forældrene har svært ved at sætte grænser."),
        ("Forældrene er engagerede og samarbejdende.", "Tæt forhold til en ældre søster."),
    ),
    "socialisation": (
        ("Har trukket sig fra tidligere venner.", "Oplever sig udenfor i klassen."),
        ("Har en god relation til en træner.", "Har enkelte stabile venskaber."),
    ),
    "network": (
        ("Bruger meget tid i lukkede onlinefora.", "Omgås ældre personer fra et miljø."),
        ("Deltager i en fritidsaktivitet.", "Har et netværk uden for miljøet."),
    ),
    "education": (
        ("Højt fravær og risiko for frafald.", "Har afbrudt en uddannelse."),
        ("Ønsker at gennemføre uddannelsen.", "Har fået en praktikplads."),
    ),
}

OVERALL_ASSESSMENTS: dict[str, str] = {
    "unfounded": "Der er ikke grundlag for bekymring for radikalisering. Sagen afsluttes.",
    "other_track": "Bekymringen handler ikke om ekstremisme; sagen henvises til relevant spor.",
    "preventive": "Begrundet bekymring. Der iværksættes en forebyggende indsats med fokus på "
    "relationer, skole/uddannelse og netværk.",
    "serious": "Alvorlig bekymring. Sagen håndteres herefter af politiet/PET.",
    "acute": "Akut bekymring. Sagen er overgivet til politiet.",
}

SHARE_DETAILS: dict[str, str] = {
    "screening": "Henvendelsen deles med henblik på politiets indledende vurdering.",
    "prevention": "Deles til brug for den fælles drøftelse i infohus.",
    "coordination": "Koordinering af kommunens indsats og politiets bekymringssamtale.",
}
REVOKE_REASONS = (
    "Sagen er afsluttet; politiet har ikke længere brug for adgang.",
    "Politiets del af opgaven er afsluttet.",
    "Sagen er henvist til andet spor uden politiets medvirken.",
)
CANCEL_REASONS = (
    "Dobbeltregistrering – henvendelsen er allerede oprettet.",
    "Oprettet ved en fejl i forkert kommune.",
    "Henvendelsen vedrører ikke ekstremisme og er oprettet ved en fejl.",
)

# action type: (authorities it is usually run by, legal basis, responsible person)
ACTION_PROFILE: dict[str, tuple[tuple[str, ...], str, str]] = {
    "conversation": (("police", "ssp", "municipality"), "Retsplejeloven § 115", "SSP-konsulent"),
    "outreach": (("ssp",), "", "Gadeplansmedarbejder"),
    "mentor": (("municipality", "social_services", "job_centre"), "Serviceloven", "Mentor"),
    "parent_coach": (("municipality", "social_services"), "Barnets lov", "Forældrecoach"),
    "psychologist": (("social_services", "psychiatry"), "Serviceloven", "Psykolog"),
    "psychiatry_referral": (("psychiatry",), "Sundhedsloven", "Egen læge"),
    "education": (("school",), "", "UU-vejleder"),
    "employment": (("job_centre",), "Lov om en aktiv beskæftigelsesindsats", "Jobkonsulent"),
    "advice_12b": (("social_services",), "Serviceloven § 12 b", "Rådgiver"),
    "notification": (("social_services",), "Barnets lov", "Familierådgiver"),
    "child_act_measure": (("social_services",), "Barnets lov", "Familierådgiver"),
    "exit_pet": (("pet",), "", "PET's exitenhed"),
    "police_handling": (("police",), "Politiloven", "Forebyggelsesbetjent"),
    "other": (("other",), "", "Fritidsforening"),
}
ACTION_OUTCOMES: dict[str, str] = {
    "completed": "Forløbet er gennemført som aftalt; bekymringen vurderes reduceret.",
    "aborted": "Forløbet blev afbrudt efter aftale med borgeren.",
    "declined": "Borgeren har takket nej til tilbuddet.",
}
