"""Controlled vocabularies of the infohus domain (DESIGN.md §3–§4).

Codes are English and stable (they are stored and counted); labels are Danish and
shown to users. Forms, filters, the status report and tests all use these classes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("Modtaget")
    POLICE_SCREENING = "police_screening", _("Indledende vurdering (politi)")
    INFORMATION_GATHERING = "information_gathering", _("Indsamling af oplysninger")
    READY_FOR_MEETING = "ready_for_meeting", _("Klar til analysemøde")
    ASSESSED = "assessed", _("Helhedsvurdering foreligger")
    FOLLOW_UP = "follow_up", _("Opfølgning i gang")
    REASSESSMENT = "reassessment", _("Til fornyet drøftelse")
    HANDED_TO_POLICE = "handed_to_police", _("Overdraget til politiet")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Henvist til andet spor")
    CLOSED = "closed", _("Afsluttet")
    CANCELLED = "cancelled", _("Annulleret")


class ClosureReason(models.TextChoices):
    UNFOUNDED = "unfounded", _("Ubegrundet bekymring")
    COMPLETED = "completed", _("Indsats gennemført – bekymring reduceret")
    DECLINED = "declined", _("Borger ønsker ikke at deltage")
    MOVED = "moved", _("Fraflyttet – overdraget til ny bopælskommune")
    TRAVELLED = "travelled", _("Udrejst / formodet udrejst til konfliktområde")
    INVESTIGATION = "investigation", _("Overgået til politiets efterforskning")
    DEATH = "death", _("Død")
    OTHER = "other", _("Andet")


class Gender(models.TextChoices):
    MALE = "male", _("Mand/dreng")
    FEMALE = "female", _("Kvinde/pige")
    OTHER = "other", _("Andet")
    UNKNOWN = "unknown", _("Ukendt")


class PsychVulnerability(models.TextChoices):
    KNOWN = "known", _("Ja – kendt i psykiatrien")
    ASSUMED = "assumed", _("Ja – formodet, ikke udredt")
    NO = "no", _("Nej")
    UNKNOWN = "unknown", _("Ukendt")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    UNKNOWN = "unknown", _("Ukendt")


class ReceivedBy(models.TextChoices):
    MUNICIPALITY = "municipality", _("Kommune")
    POLICE = "police", _("Politi")
    HOTLINE = "hotline", _("Hotline")
    PET = "pet", _("PET")
    OTHER_MUNICIPALITY = "other_municipality", _("Anden kommune")


class Channel(models.TextChoices):
    PHONE = "phone", _("Telefon")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Møde")
    WRITTEN = "written", _("Skriftlig underretning")
    HOTLINE = "hotline", _("Hotline")
    OTHER = "other", _("Andet")


class SenderType(models.TextChoices):
    SCHOOL = "school", _("Skole/dagtilbud/ungdomsuddannelse")
    SOCIAL_SERVICES = "social_services", _("Socialforvaltning")
    JOB_CENTRE = "job_centre", _("Jobcenter")
    HEALTH = "health", _("Psykiatri/sundhed")
    POLICE = "police", _("Politi")
    PROBATION = "probation", _("Kriminalforsorg")
    ASYLUM = "asylum", _("Asylcenter/udlændingemyndighed")
    SECURE_INSTITUTION = "secure_institution", _("Sikret døgninstitution")
    HOUSING = "housing", _("Boligsocial indsats")
    FAMILY = "family", _("Forældre/familie")
    FRIENDS = "friends", _("Venner/netværk")
    CITIZEN = "citizen", _("Borger i øvrigt")
    ANONYMOUS = "anonymous", _("Anonym")
    HOTLINE = "hotline", _("Hotline")
    PET = "pet", _("PET")
    OTHER_MUNICIPALITY = "other_municipality", _("Anden kommune")
    OTHER = "other", _("Andet")


class Sign(models.TextChoices):
    """CDE's list of signs of concern."""

    VIOLENCE_READINESS = "violence_readiness", _("Voldsparathed")
    TRAVEL_TRAINING = "travel_training", _("Interesse for udrejse/træning")
    SEEKS_MATERIAL = "seeks_material", _("Opsøger voldslegitimerende materiale")
    THREATS = "threats", _("Trusler/chikane/socialt pres")
    HATE_EVENTS = "hate_events", _("Deltager i hadefulde begivenheder")
    SPREADS_MESSAGES = "spreads_messages", _("Udbreder voldslegitimerende budskaber")
    PREOCCUPIED = "preoccupied", _("Stor optagethed af sag/person")
    CONTEMPT = "contempt", _("Foragt/intolerance")
    PREACHING = "preaching", _("Prædikende/moraliserende adfærd")
    SYMBOLS = "symbols", _("Totalitære symboler/påklædning")
    WEAPONS_MILIEU = "weapons_milieu", _("Færdes i miljøer med adgang til våben")


class ExtremismType(models.TextChoices):
    RIGHT_WING = "right_wing", _("Højreekstremisme")
    LEFT_WING = "left_wing", _("Venstreekstremisme")
    MILITANT_ISLAMISM = "militant_islamism", _("Militant islamisme")
    ANTI_AUTHORITY = "anti_authority", _("Antimyndighedsekstremisme")
    MIXED = "mixed", _("Andet/uklart/blandet")
    NO_CLEAR_IDEOLOGY = "no_clear_ideology", _("Ingen klar ideologi")


class ScreeningResult(models.TextChoices):
    """The police's initial check for crime or acute security issues."""

    NO_POLICE_MATTER = "no_police_matter", _("Intet politimæssigt – videre i infohus")
    POLICE_KNOWN = "police_known", _("Kendt af politiet – videre i infohus")
    ACUTE = "acute", _("Akut sikkerhedsmæssigt forhold")
    CRIME = "crime", _("Mistanke om strafbart forhold")
    UNFOUNDED = "unfounded", _("Ubegrundet")


class AssessmentOutcome(models.TextChoices):
    UNFOUNDED = "unfounded", _("Ubegrundet")
    OTHER_TRACK = "other_track", _("Bekymring men ikke ekstremisme – andet spor")
    PREVENTIVE = "preventive", _("Begrundet bekymring – forebyggende indsats")
    SERIOUS = "serious", _("Alvorlig – håndteres af politi/PET")
    ACUTE = "acute", _("Akut – overgivet politiet")


class Dimension(models.TextChoices):
    """CDE's nine dimensions of the dialogue-based assessment tool."""

    BELIEFS = "beliefs", _("Overbevisninger og retorik")
    PERSONALITY = "personality", _("Personlighed")
    VIOLENCE = "violence", _("Voldsparathed")
    MENTAL_HEALTH = "mental_health", _("Psykisk sårbarhed")
    CRIMINAL_HISTORY = "criminal_history", _("Kriminel historik")
    FAMILY = "family", _("Familie")
    SOCIALISATION = "socialisation", _("Socialisering og relationer")
    NETWORK = "network", _("Netværk og fritid")
    EDUCATION = "education", _("Uddannelse og beskæftigelse")


class Authority(models.TextChoices):
    MUNICIPALITY = "municipality", _("Kommunen (infohus)")
    SOCIAL_SERVICES = "social_services", _("Socialforvaltning")
    JOB_CENTRE = "job_centre", _("Jobcenter")
    SCHOOL = "school", _("Skole/UU")
    SSP = "ssp", _("SSP")
    PSYCHIATRY = "psychiatry", _("Psykiatri")
    PROBATION = "probation", _("Kriminalforsorg")
    IMMIGRATION = "immigration", _("Udlændingemyndighed/asylcenter")
    SECURE_INSTITUTION = "secure_institution", _("Sikret institution")
    HOUSING = "housing", _("Boligsocial indsats")
    POLICE = "police", _("Politi")
    PET = "pet", _("PET")
    OTHER = "other", _("Andet")


class OrganisationModel(models.TextChoices):
    COORDINATOR = "coordinator", _("Tovholdermodel")
    AD_HOC_FORUM = "ad_hoc_forum", _("Tværgående forum ad hoc")
    STANDING_FORUM = "standing_forum", _("Tværgående forum med faste møder")


class MeetingCadence(models.TextChoices):
    WEEKLY = "weekly", _("Ugentligt")
    FORTNIGHTLY = "fortnightly", _("Hver 14. dag")
    MONTHLY = "monthly", _("Månedligt")
    QUARTERLY = "quarterly", _("Kvartalsvis")
    AD_HOC = "ad_hoc", _("Efter behov")


class ActionType(models.TextChoices):
    CONVERSATION = "conversation", _("Bekymringssamtale")
    OUTREACH = "outreach", _("Gadeplans-/relationsarbejde")
    MENTOR = "mentor", _("Mentorforløb")
    PARENT_COACH = "parent_coach", _("Forældre-/pårørendecoach")
    PSYCHOLOGIST = "psychologist", _("Psykologhjælp")
    PSYCHIATRY_REFERRAL = "psychiatry_referral", _("Henvisning til psykiatri")
    EDUCATION = "education", _("Uddannelsesrettet indsats")
    EMPLOYMENT = "employment", _("Beskæftigelsesrettet indsats")
    ADVICE_12B = "advice_12b", _("Rådgivning efter servicelovens § 12 b")
    NOTIFICATION = "notification", _("Underretning/børnefaglig undersøgelse")
    CHILD_ACT_MEASURE = "child_act_measure", _("Foranstaltning efter barnets lov")
    EXIT_PET = "exit_pet", _("Exit-samtaler (PET)")
    POLICE_HANDLING = "police_handling", _("Politiets håndtering")
    OTHER = "other", _("Andet")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    IN_PROGRESS = "in_progress", _("I gang")
    COMPLETED = "completed", _("Gennemført")
    ABORTED = "aborted", _("Afbrudt")
    DECLINED = "declined", _("Afslået af borgeren")


class NoteVisibility(models.TextChoices):
    SHARED = "shared", _("Fælles (kommune og politi)")
    MUNICIPALITY = "municipality", _("Kun kommunen")
    POLICE = "police", _("Kun politiet")


class SharePurpose(models.TextChoices):
    """Why a case is disclosed to police. Criminal investigation is never a purpose
    (retsplejeloven § 115, stk. 2), so it is deliberately absent."""

    PREVENTION = "prevention", _("Kriminalitetsforebyggelse i infohus")
    SCREENING = "screening", _("Politiets indledende vurdering")
    COORDINATION = "coordination", _("Koordinering af forebyggende indsats")


class LegalBasis(models.TextChoices):
    RPL_115 = "rpl_115", _("Retsplejeloven § 115 (kriminalitetsforebyggende samarbejde)")


class MeetingKind(models.TextChoices):
    ANALYSIS = "analysis", _("Analysemøde")
    FOLLOW_UP = "follow_up", _("Opfølgningsmøde")


class EventKind(models.TextChoices):
    """What happened on a case; one row on its timeline each."""

    CREATED = "created", _("Bekymring registreret")
    TRANSITION = "transition", _("Status ændret")
    SCREENING = "screening", _("Politiets vurdering registreret")
    ACTION_ADDED = "action_added", _("Indsats oprettet")
    ACTION_UPDATED = "action_updated", _("Indsats opdateret")
    NOTE_ADDED = "note_added", _("Notat tilføjet")
    SHARED = "shared", _("Delt med politiet")
    SHARE_REVOKED = "share_revoked", _("Deling tilbagekaldt")
    MEETING = "meeting", _("Drøftet på møde")
    UPDATED = "updated", _("Oplysninger ændret")
    LEGAL_HOLD = "legal_hold", _("Retligt tilbagehold sat")
    LEGAL_HOLD_LIFTED = "legal_hold_lifted", _("Retligt tilbagehold ophævet")
    ANONYMISED = "anonymised", _("Anonymiseret efter opbevaringsperioden")


class AgeBand(models.TextChoices):
    """Age at receipt as the report groups it (DESIGN.md §5)."""

    UNDER_15 = "0-14", _("0–14 år")
    AGE_15_17 = "15-17", _("15–17 år")
    AGE_18_24 = "18-24", _("18–24 år")
    AGE_25_29 = "25-29", _("25–29 år")
    AGE_30_39 = "30-39", _("30–39 år")
    AGE_40_PLUS = "40+", _("40 år og derover")
    UNKNOWN = "unknown", _("Ukendt")


# Lower bound of each band, highest first.
_BAND_FLOORS = (
    (40, AgeBand.AGE_40_PLUS),
    (30, AgeBand.AGE_30_39),
    (25, AgeBand.AGE_25_29),
    (18, AgeBand.AGE_18_24),
    (15, AgeBand.AGE_15_17),
    (0, AgeBand.UNDER_15),
)


def age_band_floor(age: int) -> int:
    """The lowest age in `age`'s band: what anonymisation keeps of an age."""
    return next(floor for floor, _band in _BAND_FLOORS if age >= floor)


def age_band(age: int | None) -> AgeBand:
    if age is None:
        return AgeBand.UNKNOWN
    return next(band for floor, band in _BAND_FLOORS if age >= floor)
