"""Declared data tables of the drafter: event triggers per class, role cues, entity cue words.

The trigger lexicons follow the ontology's event-type scheme and the vocabularies it maps to
(CAMEO roots 01 statement, 04 consult, 05/06 cooperate and support, 0874 withdraw, 18-20 assault,
fight and mass violence; ACLED battles, explosions/remote violence, strategic developments). Verbs
are given as lemmas; :func:`verb_forms` expands them to the inflected forms matched in text.
"""

from __future__ import annotations

# -- event triggers ---------------------------------------------------------------------------

#: verb lemma -> (event class, concept). Hostile verbs map to CAMEO 18-20 / ACLED battles and
#: explosions; the concept is refined by the weapon cues below.
VERB_TRIGGERS: dict[str, tuple[str, str]] = {
    # CAMEO 18 assault / 19 fight / 20 mass violence; ACLED battles, explosions, violence against civilians
    "attack": ("Attack", "attack"), "assault": ("Attack", "ground-attack"), "strike": ("Attack", "attack"),
    "bomb": ("Attack", "attack"), "shell": ("Attack", "attack"), "raid": ("Attack", "ground-attack"),
    "ambush": ("Attack", "ground-attack"), "kill": ("Attack", "attack"), "shoot": ("Attack", "attack"),
    "storm": ("Attack", "ground-attack"), "besiege": ("Attack", "ground-attack"), "capture": ("Attack", "ground-attack"),
    "seize": ("Attack", "ground-attack"), "overrun": ("Attack", "ground-attack"), "kidnap": ("Attack", "attack"),
    "abduct": ("Attack", "attack"), "execute": ("Attack", "attack"), "behead": ("Attack", "attack"),
    "massacre": ("Attack", "attack"), "detonate": ("Attack", "attack"), "target": ("Attack", "attack"),
    "hit": ("Attack", "attack"), "wound": ("Attack", "attack"), "injure": ("Attack", "attack"),
    "burn": ("Attack", "attack"), "fight": ("Attack", "armed-clash"), "clash": ("Attack", "armed-clash"),
    "engage": ("Attack", "armed-clash"), "torture": ("Attack", "attack"),
    "invade": ("Attack", "ground-attack"), "occupy": ("Attack", "ground-attack"), "pursue": ("Attack", "ground-attack"),
    # ACLED disrupted weapons use
    "intercept": ("Interception", "interception"), "foil": ("Interception", "interception"),
    "thwart": ("Interception", "interception"), "defuse": ("Interception", "interception"),
    "disrupt": ("Interception", "interception"),
    # CAMEO 05 diplomatic cooperation: joining an organisation
    "join": ("Joining", "joining-organisation"), "accede": ("Joining", "joining-organisation"),
    # CAMEO 057 / ACLED agreement
    "ally": ("Event", "alliance-agreement"), "merge": ("Event", "alliance-agreement"),
    # CAMEO 06/07 material cooperation, aid
    "support": ("Event", "support"), "arm": ("Event", "support"), "fund": ("Event", "support"),
    "supply": ("Event", "support"), "assist": ("Event", "support"),
    # CAMEO 04 consult
    "meet": ("Meeting", "meeting"), "host": ("Meeting", "meeting"), "visit": ("Meeting", "meeting"),
    "consult": ("Meeting", "meeting"),
    # CAMEO 01 make public statement, 10-13 demand/disapprove/reject/threaten (verbal)
    "say": ("Statement", "statement"), "state": ("Statement", "statement"), "announce": ("Statement", "statement"),
    "declare": ("Statement", "statement"), "stress": ("Statement", "statement"), "claim": ("Statement", "statement"),
    "warn": ("Statement", "statement"), "urge": ("Statement", "statement"), "condemn": ("Statement", "statement"),
    "deny": ("Statement", "statement"), "accuse": ("Statement", "statement"), "criticize": ("Statement", "statement"),
    "criticise": ("Statement", "statement"), "question": ("Statement", "statement"), "tell": ("Statement", "statement"),
    "welcome": ("Statement", "statement"), "reiterate": ("Statement", "statement"), "affirm": ("Statement", "statement"),
    "reaffirm": ("Statement", "statement"), "vow": ("Statement", "statement"), "threaten": ("Statement", "statement"),
    "admit": ("Statement", "statement"), "insist": ("Statement", "statement"), "emphasize": ("Statement", "statement"),
    "emphasise": ("Statement", "statement"), "report": ("Statement", "statement"), "propose": ("Statement", "statement"),
    # CAMEO 0874 retreat or surrender militarily; ACLED non-violent transfer of territory
    "withdraw": ("Withdrawal", "withdrawal"), "retreat": ("Withdrawal", "withdrawal"),
    "evacuate": ("Withdrawal", "withdrawal"), "flee": ("Withdrawal", "withdrawal"),
}

#: light verbs whose object noun is the event ("launched an attack", "conducted a raid")
LIGHT_VERBS = {"launch", "conduct", "carry", "stage", "mount", "begin", "start", "execute", "perpetrate", "claim"}

#: noun -> (event class, concept); the noun names the event ("an attack by X against Y")
NOUN_TRIGGERS: dict[str, tuple[str, str]] = {
    "attack": ("Attack", "attack"), "attacks": ("Attack", "attack"), "assault": ("Attack", "ground-attack"),
    "offensive": ("Attack", "ground-attack"), "raid": ("Attack", "ground-attack"), "ambush": ("Attack", "ground-attack"),
    "strike": ("Attack", "attack"), "strikes": ("Attack", "attack"), "airstrike": ("Attack", "attack"),
    "airstrikes": ("Attack", "attack"), "bombing": ("Attack", "attack"), "shelling": ("Attack", "attack"),
    "massacre": ("Attack", "attack"), "siege": ("Attack", "ground-attack"), "clashes": ("Attack", "armed-clash"),
    "fighting": ("Attack", "armed-clash"), "battle": ("Attack", "armed-clash"), "fight": ("Attack", "armed-clash"),
    "war": ("Attack", "armed-clash"), "crackdown": ("Attack", "attack"),
    "interception": ("Interception", "interception"),
    "meeting": ("Meeting", "meeting"), "summit": ("Meeting", "meeting"), "talks": ("Meeting", "meeting"),
    "conference": ("Meeting", "meeting"),
    "withdrawal": ("Withdrawal", "withdrawal"), "retreat": ("Withdrawal", "withdrawal"),
    "alliance": ("Event", "alliance-agreement"), "partnership": ("Event", "alliance-agreement"),
}

#: words that make a hostile event's concept narrower (ontology concepts and their CAMEO/ACLED matches)
WEAPON_CONCEPTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("vbied", "svbied", "car bomb", "vehicle bomb", "truck bomb", "vehicle-borne"), "vehicle-bomb-attack"),
    (("svest", "svests", "suicide vest", "suicide bomb", "suicide bomber", "suicide bombers", "suicide attack",
      "suicide bombing", "suicide belt"), "suicide-bombing"),
    (("ground attack", "ground assault", "ground offensive", "raid", "storm"), "ground-attack"),
)

#: "a wave / campaign / series of attacks" names a campaign
CAMPAIGN_WORDS = {"wave", "campaign", "series", "spate", "string"}

#: modal and irrealis cues: a trigger after these is planned or hypothetical, not reported
PLAN_MODALS = {"will", "shall", "plans", "plan", "planned", "intends", "intend", "intended", "aims", "prepares", "is to", "are to"}
IRREALIS_NOUNS = {"capability", "capabilities", "intent", "intention", "ability", "need", "threat", "plan",
                  "plans", "bid", "effort", "efforts", "attempt", "order", "able", "aimed", "designed", "meant"}
NEGATIONS = {"not", "never", "no", "n't"}

#: reporting verbs that open a complement ("stated that ..."): what follows is content, not a fact
REPORTING_COMPLEMENT = {"that"}

#: analyst hedges and evidential markers: a sentence the publisher judges (an Assessment)
HEDGES = ("likely", "unlikely", "probably", "possibly", "largely", "almost certainly", "demonstrates",
          "demonstrate", "indicates", "suggests", "appears", "seems", "assess", "assesses", "may have", "remains")

#: definite anaphoric event nouns ("The decision", "The attack wave"): subjects of assessments
ANAPHORIC_EVENT_NOUNS = {"decision", "measure", "move", "agreement", "attack", "attacks", "wave", "campaign",
                         "offensive", "operation", "withdrawal", "announcement", "step", "deal", "strike"}

# -- entity cues -----------------------------------------------------------------------------

PERSON_TITLES = {
    "president", "minister", "prime", "general", "colonel", "lieutenant", "major", "captain", "sergeant",
    "commander", "sheikh", "shaykh", "emir", "king", "queen", "prince", "secretary", "secretary-general",
    "envoy", "ambassador", "senator", "governor", "mayor", "chancellor", "dr", "mr", "mrs", "ms",
    "imam", "ayatollah", "mullah", "caliph", "chief", "admiral", "brigadier", "marshal", "spokesman",
    "spokeswoman", "spokesperson", "representative", "vice-president", "premier", "deputy", "militant",
    "citizen", "leader", "officer", "judge", "director",
}
NAME_PARTICLES = {"abu", "al", "el", "bin", "ibn", "bint", "umm", "de", "van", "von", "ad", "as", "ash", "an", "ar"}

#: last word of a name that makes it an organisation
ORG_HEADS = {
    "army", "armies", "forces", "force", "navy", "corps", "marines", "militia", "militias", "brigade", "brigades",
    "battalion", "battalions", "regiment", "division", "front", "movement", "party", "council", "committee",
    "ministry", "department", "government", "organization", "organisation", "association", "society", "group",
    "union", "coalition", "alliance", "agency", "command", "office", "treasury", "nations", "university",
    "universities", "news", "network", "institute", "bank", "company", "commission", "court", "tribunal",
    "assembly", "parliament", "congress", "senate", "guard", "guards", "police", "service", "services",
    "intelligence", "operations", "state", "emirate", "caliphate", "taliban", "hezbollah", "hizbollah",
    "qaeda", "al-qaeda", "mujahideen", "sect", "clan", "tribe", "federation", "foundation", "authority",
    "cabinet", "administration", "secretariat", "delegation", "mission", "jaish", "kataib", "fund", "programme",
    "program", "red", "crescent", "cross", "media", "television", "tv", "radio",
}
#: first word of a name that makes it an organisation ("Jaish al-...", "Harakat ...")
ORG_FIRST = {"jaish", "jabhat", "harakat", "kataib", "liwa", "ansar", "hayat", "hay'at", "tahrir", "saraya", "saray"}

#: last word of a name that makes it a location
LOC_HEADS = {
    "river", "mountains", "mountain", "mount", "province", "governorate", "district", "village", "city", "town",
    "valley", "region", "lake", "lakes", "sea", "gulf", "desert", "dam", "barrage", "mosque", "shrine", "hospital",
    "airport", "base", "camp", "border", "square", "street", "road", "highway", "bridge", "island", "islands",
    "peninsula", "plain", "plains", "basin", "strait", "port", "harbour", "harbor", "county", "neighbourhood",
    "neighborhood", "quarter", "oasis", "depression", "canal", "palace", "prison", "refinery", "field", "fields",
    "heights", "hills", "hill", "coast", "territory", "territories", "countryside", "municipality",
    "subdistrict", "crossing", "checkpoint", "station",
}
COMPASS = {"northern", "southern", "eastern", "western", "north", "south", "east", "west", "central",
           "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
           "southeastern", "southwestern", "upper", "lower", "greater", "rural"}

#: common-noun heads of organisation mentions ("the army", "120 Iraqi soldiers", "the jihadist group")
ORG_NOUNS = {
    "army", "navy", "military", "government", "forces", "troops", "soldiers", "militants", "insurgents",
    "insurgency", "fighters", "rebels", "police", "officers", "officials", "militia", "militias", "group",
    "groups", "organization", "organisation", "coalition", "regime", "opposition", "civilians", "citizens",
    "employees", "members", "students", "supporters", "parties", "leaders", "marines", "commanders",
    "jihadists", "terrorists", "gunmen", "protesters", "residents", "workers", "people", "population",
    "authorities", "tribunal", "prosecution", "businessmen", "audience", "doctors", "patients", "refugees",
    "volunteers", "recruits", "guards", "personnel", "delegation", "administration", "bloc",
}
#: common-noun heads of person mentions ("a local physician", "one hostage")
PERSON_NOUNS = {
    "adviser", "advisor", "hostage", "physician", "doctor", "general", "commander", "leader", "bomber",
    "spokesman", "spokeswoman", "official", "officer", "soldier", "militant", "fighter", "journalist",
    "minister", "president", "envoy", "sheikh", "prisoner", "assistant", "deputy", "colonel", "lieutenant",
}
#: common-noun heads of location mentions ("the village", "a safehouse")
LOC_NOUNS = {
    "city", "village", "town", "area", "country", "region", "safehouse", "mosque", "island", "dam", "reservoir",
    "canal", "hospital", "barracks", "border", "territory", "district", "province", "capital", "camp", "base",
    "neighbourhood", "neighborhood", "shrine", "checkpoint", "compound", "airport", "prison", "positions",
    "headquarters", "frontier", "countryside", "outskirts", "suburb", "suburbs", "ward", "center", "centre",
}

#: weapons, platforms and vehicles (re3d's Weapon, MilitaryPlatform, Vehicle)
WEAPON_WORDS = {
    "weapon", "weapons", "bomb", "bombs", "ied", "ieds", "vbied", "vbieds", "svest", "svests", "rifle", "rifles",
    "missile", "missiles", "rocket", "rockets", "mortar", "mortars", "grenade", "grenades", "artillery",
    "munition", "munitions", "explosives", "explosive", "mine", "mines", "landmine", "landmines", "gun", "guns",
    "ak-47", "rpg", "rpgs", "airstrikes", "barrel", "shells", "round", "sarin", "chlorine", "gas", "strikes",
}
PLATFORM_WORDS = {
    "aircraft", "jet", "jets", "helicopter", "helicopters", "drone", "drones", "tank", "tanks", "warship",
    "warships", "warplane", "warplanes", "fighter-bomber", "submarine", "frigate", "destroyer", "bomber",
}
VEHICLE_WORDS = {"car", "cars", "truck", "trucks", "vehicle", "vehicles", "bus", "buses", "van", "pickup", "lorry"}

#: words that never start a proper-name chunk (sentence-initial capitals)
CHUNK_STOP = {
    "the", "a", "an", "in", "on", "at", "of", "by", "for", "with", "from", "to", "and", "or", "but", "after",
    "before", "during", "since", "while", "despite", "this", "that", "these", "those", "it", "its", "he", "she",
    "they", "we", "i", "his", "her", "their", "our", "there", "then", "when", "where", "which", "who", "what",
    "however", "according", "although", "as", "if", "once", "also", "today", "yesterday", "coordinates",
    "frequency", "polarization", "analyses", "scholars", "chapter", "nonetheless", "besides", "named", "so",
    "designs", "terrestrial", "reports", "following", "between", "into", "over", "under", "about", "among",
    "until", "within", "without", "against", "across", "toward", "towards", "not", "no", "some", "many", "most",
    "all", "each", "other", "such", "further", "first", "later", "both", "any", "whose",
}
#: capitalised words that are not names (months and days are dates; these are just capitalised)
NOT_NAMES = {
    "god", "islamist", "jihadist", "salafi", "sunni", "shia", "shi'a", "shiite", "muslim",
    "christian", "mb", "mhz", "fec", "uhf", "mri", "ct", "ip", "dns", "eu-", "ramadan", "sitrep", "map",
    "graphic", "operation", "war", "civil", "crisis", "conflict", "uprising", "resolution", "resolutions",
    "initiative", "conference", "summit", "protocol", "treaty", "agreement", "act", "code", "law", "liberal",
}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: a few demonyms per country are not derivable from names; the table covers the usual ones
DEMONYMS: dict[str, str] = {
    "afghan": "AF", "albanian": "AL", "algerian": "DZ", "american": "US", "arab": "", "armenian": "AM",
    "australian": "AU", "austrian": "AT", "azerbaijani": "AZ", "bahraini": "BH", "belgian": "BE",
    "british": "GB", "bulgarian": "BG", "canadian": "CA", "chechen": "RU", "chinese": "CN", "cypriot": "CY",
    "czech": "CZ", "danish": "DK", "dutch": "NL", "egyptian": "EG", "emirati": "AE", "english": "GB",
    "eritrean": "ER", "ethiopian": "ET", "european": "", "finnish": "FI", "french": "FR", "georgian": "GE",
    "german": "DE", "greek": "GR", "hungarian": "HU", "indian": "IN", "indonesian": "ID", "iranian": "IR",
    "iraqi": "IQ", "irish": "IE", "israeli": "IL", "italian": "IT", "japanese": "JP", "jordanian": "JO",
    "kazakh": "KZ", "kenyan": "KE", "korean": "KR", "kurdish": "", "kuwaiti": "KW", "lebanese": "LB",
    "libyan": "LY", "malian": "ML", "moroccan": "MA", "nigerian": "NG", "norwegian": "NO", "omani": "OM",
    "pakistani": "PK", "palestinian": "PS", "persian": "IR", "polish": "PL", "portuguese": "PT", "qatari": "QA",
    "romanian": "RO", "russian": "RU", "saudi": "SA", "scottish": "GB", "serbian": "RS", "somali": "SO",
    "spanish": "ES", "sudanese": "SD", "swedish": "SE", "swiss": "CH", "syrian": "SY", "tajik": "TJ",
    "tunisian": "TN", "turkish": "TR", "turkmen": "TM", "ukrainian": "UA", "uzbek": "UZ", "yemeni": "YE",
    "kurd": "", "kurds": "", "yazidi": "", "yazidis": "", "alawite": "", "druze": "", "assyrian": "",
    "sunni": "", "shiite": "", "shia": "", "ismaili": "", "muslim": "", "muslims": "", "christian": "",
    "christians": "", "turkoman": "", "arabic": "", "kurmanji": "", "sorani": "", "pashtun": "", "baloch": "",
    "western": "", "jewish": "", "iraqis": "IQ", "syrians": "SY", "afghans": "AF", "americans": "US",
}

#: pronouns that re3d annotates as entity mentions
PERSON_PRONOUNS = {"he", "him", "she", "i"}
GROUP_PRONOUNS = {"they", "we"}


def verb_forms(lemma: str) -> dict[str, str]:
    """Inflected forms of a regular English verb lemma -> the form's kind (base, s, ed, ing).

    >>> sorted(verb_forms("attack"))
    ['attack', 'attacked', 'attacking', 'attacks']
    >>> verb_forms("stop")["stopped"]
    'ed'
    """
    lemma = lemma.strip()
    forms = {lemma: "base"}
    if lemma.endswith("e"):
        forms[lemma + "s"] = "s"
        forms[lemma + "d"] = "ed"
        forms[lemma[:-1] + "ing"] = "ing"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms[lemma[:-1] + "ies"] = "s"
        forms[lemma[:-1] + "ied"] = "ed"
        forms[lemma + "ing"] = "ing"
    elif lemma.endswith(("s", "sh", "ch", "x")):
        forms[lemma + "es"] = "s"
        forms[lemma + "ed"] = "ed"
        forms[lemma + "ing"] = "ing"
    else:
        double = len(lemma) <= 4 and lemma[-1] not in "aeiouwy" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou"
        stem = lemma + lemma[-1] if double else lemma
        forms[lemma + "s"] = "s"
        forms[stem + "ed"] = "ed"
        forms[stem + "ing"] = "ing"
    forms.update(IRREGULAR.get(lemma, {}))
    return forms


IRREGULAR: dict[str, dict[str, str]] = {
    "strike": {"struck": "ed", "stricken": "ed"}, "shoot": {"shot": "ed"}, "say": {"said": "ed"},
    "fight": {"fought": "ed"}, "hit": {"hit": "ed"}, "meet": {"met": "ed"}, "tell": {"told": "ed"},
    "overrun": {"overran": "ed"}, "seize": {"seized": "ed"}, "withdraw": {"withdrew": "ed", "withdrawn": "ed"},
    "flee": {"fled": "ed"}, "arm": {"armed": "ed"}, "begin": {"began": "ed", "begun": "ed"},
    "carry": {"carried": "ed"}, "ally": {"allied": "ed"}, "burn": {"burnt": "ed"}, "supply": {"supplied": "ed"},
    "bomb": {"bombed": "ed"}, "target": {"targeted": "ed", "targeting": "ing", "targetting": "ing"},
}


def verb_index() -> dict[str, tuple[str, str, str]]:
    """Every inflected form of a trigger or light verb -> (lemma, form kind, '' or 'light')."""
    index: dict[str, tuple[str, str, str]] = {}
    for lemma in LIGHT_VERBS:
        for form, kind in verb_forms(lemma).items():
            index[form] = (lemma, kind, "light")
    for lemma in VERB_TRIGGERS:
        for form, kind in verb_forms(lemma.strip()).items():
            index[form] = (lemma.strip(), kind, "")
    return index
