"""Build a realistic instance quickly, for benchmarks: `manage.py seed_bench --users N --posts M`.

The shape follows a professional network: industries and cities weighted toward music, sound and
post-production in a few big cities; a power-law follow graph (most people follow 50-300, a few
follow thousands, three accounts are followed by most people, with a pull toward one's own industry
and city); posts over two years by authors of skewed activity, with hashtags, mentions, links,
replies, reposts and likes; and the home timelines the app keeps (each person's newest
TIMELINE_MAX_ENTRIES posts from the people they follow and their own).

A post's text is, 15% of the time, one of a dozen set sentences ("Working on the final mix for a
documentary"); otherwise 6-20 words drawn from VOCABULARY (~2,200 words of the trade, ordinary
English, German with umlauts and ß, and accented loanwords) with Zipf's law: the word of rank r
with weight 1 / r**1.1. With the hashtag, mention or link it may carry, it stays within the
140-character rule (posts.text.post_length). For a search benchmark, in the million posts of
`--posts 1000000` (the default seed):

- COMMON_WORD ("mix") is a word of 3.7% of posts, and part of a word ("mixing", "remix") of
  3.1% more;
- RARE_WORD ("theremin") is in 340 posts, 0.034%;
- PHRASE ("final mix") is in 1.2% of posts.

Rows are written with COPY on PostgreSQL and bulk inserts on SQLite, straight into the tables, so
no signal or service runs; the result is what those services would have built. It also creates the
benchmark people `bench10`, `bench100`, `bench1000` and `bench5000`, who follow exactly that many
others (as far as there are people), and refuses to run on a database that already has people.
"""

import bisect
import contextlib
import heapq
import io
import itertools
import json
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from accounts.models import Industry, User
from follows.models import Follow, TimelineEntry
from posts.models import Hashtag, Like, Post
from posts.services import author_stats_refresh
from posts.text import MAX_LENGTH, URL_WEIGHT

CITIES = [
    ("Los Angeles", 14),
    ("Berlin", 12),
    ("London", 12),
    ("New York", 12),
    ("Paris", 6),
    ("Toronto", 5),
    ("Stockholm", 4),
    ("Tokyo", 4),
    ("Melbourne", 3),
    ("Atlanta", 3),
    ("Nashville", 3),
    ("Mexico City", 3),
    ("Amsterdam", 3),
    ("Seoul", 2),
    ("Lagos", 2),
    ("São Paulo", 2),
    ("Mumbai", 2),
    ("Barcelona", 2),
    ("Montreal", 2),
    ("Vancouver", 2),
]
INDUSTRY_WEIGHTS = {
    "music": 16,
    "audio-and-sound-design": 14,
    "film-and-tv-post-production": 14,
    "music-production-and-engineering": 12,
    "film-and-tv-production": 8,
    "games": 6,
    "broadcasting-and-radio": 4,
    "podcasting": 4,
    "live-events-and-touring": 5,
    "animation-and-visual-effects": 4,
    "music-publishing-and-licensing": 3,
}
FIRST = [
    "Maya",
    "Jonas",
    "Priya",
    "Leo",
    "Aiko",
    "Sam",
    "Nadia",
    "Omar",
    "Lena",
    "Kofi",
    "Ines",
    "Tariq",
    "Zoe",
    "Marco",
    "Yuki",
    "Ada",
    "Felix",
    "Rosa",
    "Dev",
    "Noor",
    "Ivan",
    "Chloe",
]
LAST = [
    "Okafor",
    "Weber",
    "Raman",
    "Martins",
    "Tanaka",
    "Fischer",
    "Haddad",
    "Silva",
    "Kim",
    "Novak",
    "Dubois",
    "Mensah",
    "Costa",
    "Larsen",
    "Ito",
    "Moreau",
    "Reyes",
    "Singh",
]
TAGS = [
    "mixing",
    "foley",
    "sounddesign",
    "postproduction",
    "adr",
    "mastering",
    "synth",
    "jazz",
    "techno",
    "filmscore",
    "atmos",
    "fieldrecording",
    "podcast",
    "gameaudio",
    "jobs",
    "gear",
    "studio",
    "livesound",
    "dialogue",
    "colorgrading",
    "vfx",
    "composer",
    "vinyl",
    "modular",
]
SENTENCES = [
    "Working on the final mix for a documentary",
    "Recording foley in a tiny booth today",
    "Looking for a session bassist next week",
    "Conforming after a late picture change",
    "New plugin chain for dialogue cleanup",
    "Tracking strings at the big room",
    "ADR session went long but we got it",
    "Anyone hiring an assistant editor",
    "Sampling rain on a tin roof",
    "Stems delivered two days early",
    "Testing a new Atmos bed",
    "Need a composer for a horror short",
]
# The words of generated posts, most frequent first: a word's place in this list is its rank.
# English function words and the trade's everyday words lead; its gear and jargon, ordinary
# English, accented loanwords (café, naïve) and German (Übergabe, Größe: this network has many
# Berliners) follow. RARE_WORD is the last, so the rarest. A string split into words, because as a
# list literal it would be formatted a line a word.
VOCABULARY = """
the a to and of in for on is with it this at we I my our that you just so from all but have new
today out up are was will not one more some get got can now next week be day time back first mix
session studio sound work last good great need looking final track edit record music film about
like here after before still into over what who how when there their they your love really team
show project mixing client cue score recording booth room night morning tomorrow session's
dialogue foley stems master mastering reverb vocal vocals take takes picture cut scene episode
little big long short late early few many most every other because while until since though
although unless whether either neither instead rather than then too only even ever once twice
again yet ago away down off above below near anything everything nothing something somewhere
everywhere nowhere anyone's whoever whatever could would should might must shall may does did
doing done been being had has having go goes going went gone come comes coming came see sees
seeing saw seen know knows knew known want wants wanted wanting let lets put puts taking took
taken mean means meant look looks looked seem seems seemed become became becomes happen happened
happens begin began begun end ended ends ending finish finishes continue continued follow
following bring brings carry carried hold holding held stand standing stood sit sitting sat lie
lying lay rise rose fall falling fell drop dropped catch caught throw threw thrown agree agreed
disagree decide decided choose chose chosen prefer preferred hope hoped wish remember remembered
forget forgot forgotten miss missed notice noticed realise realize realized expect expected
allow allowed offer offered provide provided include included consider considered learned taught
understand understood explain explained describe described suggest suggested question asked
reply replied answer answered recommend recommended compare compared number numbers amount same
each both much very well also make made making working worked finished finishing start started
starting finally deadline delivery delivered plugin plugins mic mics microphone compressor
preamp synth synths drums bass guitar piano strings horns keys beat beats song songs album
single release released hiring job jobs available freelance gig gigs crew assistant engineer
editor composer producer director mixer designer supervisor recordist artist band player players
singer loud quiet clean noisy warm bright dark dry wet tight open wide close far fresh rough
Atmos Neve SSL Pro Tools Logic Ableton Reaper Nuendo Dolby Avid Schoeps Sennheiser Neumann
conform conforming spotting temp stereo mono surround bed objects print printmaster level levels
loudness LUFS gain fader faders automation bus buses aux send return chain noise hum buzz hiss
click clicks pop pops tone ambience wild lines lav boom tracks tracking overdub overdubs comp
comps playlist playlists region regions clip clips Mischung Tonmischung heute und mit für der
die das ist nicht noch auch wir ich thanks thank please happy glad proud excited tired busy
ready sure right wrong hard easy year years month months hour hours minute minutes second
seconds weekend Monday Friday city home house road car train plane flight hotel coffee lunch
dinner break call email notes change changes version versions update fix fixes fixed problem
issue bug idea ideas plan lock locked reel reels timeline sequence frame frames fps timecode
sync drift people friend friends colleague colleagues everyone anyone someone nobody person
folks play playing played listen listening heard hear sounds sounded feel feels felt think
thought write writing wrote read reading learn learning teach teaching share sharing post posted
small large huge tiny whole half full empty free cheap expensive old older young best better
outside inside between through without under around against along across behind toward café
naïve Geräusch Größe Übergabe Aufnahme Tonstudio Mischpult Stimme Termin Schnitt kick snare hat
hats cymbal cymbals toms overheads ribbon condenser dynamic tube EQ EQs compression limiter
limiting saturation tape delay delays chorus flanger phaser sample samples library libraries
patch patches preset presets modular analog digital orchestra orchestral choir brass woodwinds
percussion harp cello violin viola flute oboe documentary feature series trailer commercial spot
promo podcast audiobook game games stages theater theatre cinema festival premiere screening
audience review reviews budget rate rates invoice invoices contract paid pay payment schedule
calendar booking world life way thing things part place point case fact hand eye head face voice
voices sent sending brought bought buy sell sold called calling ask asking tell told say said
talk talking talked meet meeting met showed shown watch watched help helped helping try tried
trying use used using move moved moving keep kept leave left run running ran turn turned opened
closed stop stopped wait waiting waited give gave given find found lose lost win won pick picked
set setting build built ears ear headphones monitors speakers nearfields subwoofer sub console
desk interface converters cable cables patchbay outboard rack gear vintage rental rentals repair
calibration alignment bounce bounces export exports render renders upload uploaded download
archive backup drive feedback approval approved revision revisions pass passes round rounds
check checks mixdown premix premixes predub predubs reference references spec specs deliverables
QC broadcast streaming network channel label publisher licensing rights royalties credit credits
sessions studios mixes mixed mixer's engineers editors composers producers directors designers
effects FX ambiences backgrounds BGs walla crowd footsteps cloth props doors gunshots explosions
whooshes impacts hits risers drones textures layers layer layering field recorder recorders
hydrophone contact shotgun windshield blimp deadcat zeppelin rain wind thunder storm birds
forest ocean waves river traffic insects crickets weather snow ice fire water glass metal wood
paper stone gravel sand leaves grass mud remote online offline cloud server shared link links
file files folder folders composer's director's client's studio's today's tonight tonight's
yesterday later soon always never sometimes often usually already almost maybe probably
definitely honestly actually literally favorite favourite beautiful amazing incredible awesome
perfect nice cool weird strange funny ugly harsh muddy boomy boxy thin thick punchy crisp smooth
gritty lush airy sparkly low high mid mids lows highs top bottom center front rear side sides
minor major key tempo bpm groove swing vibe mood tones pitch tuning tuned chord chords melody
melodies harmony harmonies theme themes motif arrangement arranger orchestration orchestrator
copyist parts metronome downbeat bar bars verse bridge intro outro hook breakdown build-up fade
fades crossfade crossfades line word words sentence breath breaths lip smacks plosives sibilance
de-esser esses ADR loop group looping actor actors actress cast talent voiceover narrator
narration translation dubbing subtitles language languages English German French Spanish
Japanese TV Netflix BBC HBO shorts indie Geräusche Geräuschemacher Mischungen Endmischung
Vormischung Nachvertonung Sprache Hall Raum Klang Klänge Ton Töne Tonspur Spur Spuren Pegel
Lautheit Lautstärke Rauschen Stille Musik Bild Fernsehen Kino Hörspiel Sendung Sender Rundfunk
Mikrofon Kopfhörer Lautsprecher Vorführung Testvorführung Abnahmetermin Liefertermin
Übergabetermin bald später früher Abend jetzt gleich manchmal oft selten nie schon fast genau
eigentlich vielleicht wahrscheinlich sicher leider Glück trotzdem außerdem deshalb darum weil
wenn aber oder denn doch nur mal ein eine einen einem einer kein morgen gestern Woche Tag Nacht
Arbeit fertig schön groß klein gut schnell spät früh über sehr alles neue neuen endlich wieder
immer ganz zusammen danke bitte wirklich natürlich Abgabe Kunde Kunden Regie Regisseur Produzent
Produktion Drehbuch Dreh Drehtag Tonangel Außenaufnahme Atmo Schnittplatz Abnahme Rohschnitt
Feinschnitt Bildschnitt Fassung Vertonung Tonbearbeitung Störgeräusch Brummen Knacken Zischlaute
Dynamik Kompressor Entzerrer Verzerrung Übersprechen Nachhall Raumklang Zuhörer Größenordnung
schließlich müde Tür Fenster Regen Vögel Stadt Wald Meer Brücke Zug Bahnhof Flughafen Küche
Gläser Schritte Stiefel Kies Schnee Feuer Wasser Tropfen Blätter Holz Metall Papier Straße Grüße
Spaß Bühne Künstler Hörer Konzert Orchester Streicher Bläser Schlagzeug Gitarre Flügel Klavier
Gesang Chor Übung Änderung Änderungen Lösung Frist Feierabend Kaffee Mittagspause Wochenende
Zeitplan Aufwand Qualität Ergebnis Überraschung Überstunden Probe Proben Tonmeister Tonmeisterin
Hörbuch Hörbücher Sprecher Sprecherin Aufnahmeleiter Mischtonmeister Toningenieur Tontechniker
Geräuschkulisse Klangteppich Klangfarbe Übergang Übergänge Schlüssel Fußgänger Fußweg Größer
größte Bücher Räume Töpfe Löffel Schlüsselbund Straßenbahn Mühle Hühner Kühe Gebäude Übertragung
cliché résumé façade protégé soirée décor percent dozen hundred thousand million two three four
five six seven eight nine ten twenty thirty forty fifty sixty eleven twelve third fourth fifth
man men woman women child children boy girl guy guys lady gentleman neighbour neighbor stranger
teacher teachers doctor nurse chef driver lawyer manager managers boss owner government country
countries state states town towns village street streets building buildings room's window
windows door wall walls floor floors ceiling roof stairs garden park beach mountain mountains
hill hills lake island desert fields farm tunnel station airport morning's evening's night's
day's week's year's moment moments period periods era past present future memory memories dream
dreams reason reasons result results effect cause causes chance chances choice choices decision
decisions mistake mistakes lesson lessons example examples detail details difference differences
kind kinds type types sort sorts style styles form forms shape shapes size sizes colours colors
red blue green yellow black white grey gray orange purple pink brown golden silver simple
complex clear unclear obvious subtle strong weak heavy soft slow quick quickly slowly carefully
easily simply clearly exactly nearly important necessary possible impossible likely unlikely
certain real true false fine okay different similar special general common rare usual unusual
normal typical public private personal professional local national international human natural
social political economic cultural technical creative artistic original main basic entire
various several hot dirty silent sad angry afraid calm nervous lucky unlucky brave careful
curious honest rosé crème jalapeño piñata doppelgänger fiancée sauté touché mêlée attaché
naïveté coupé exposé outré passé éclair entrée première company companies agency office career
experience skills skill portfolio showreel demo demos interview internship mentor mentoring
student students school course workshop class conference panel talks meetup community networking
industry business market questions answers advice tip tips trick tricks workflow workflows
template templates shortcut shortcuts macro macros script scripts tool app apps software
hardware computer laptop Mac PC screen monitor keyboard mouse controller surface iPad phone
battery power wireless bluetooth latency buffer CPU RAM SSD crash crashed crashing freeze
license dongle iLok subscription upgrade beta manual support price prices sale discount deal
deals bundle bundles cost costs acoustics acoustic absorbers diffusers isolation soundproofing
lounge kitchen hallway Berlin London Paris Tokyo Toronto Stockholm Melbourne Atlanta Nashville
Amsterdam Seoul Lagos Mumbai Barcelona Montreal Vancouver Hollywood Burbank Soho Brooklyn
Kreuzberg summer winter spring autumn season seasons holiday holidays vacation trip travel tour
touring venue venues arena club clubs pub FOH wedge wedges IEM soundcheck load-in load-out
rigging truck backline setlist encore sunrise sunset dawn dusk midnight noon afternoon evening
weekday crunch overtime pizza tea beer wine snacks breakfast sandwich cake cookies chocolate dog
cat cats dogs bird horse cow sheep chicken frog frogs bees wolf wolves lion whale body hands
fingers feet arm arms shoulder neck eyes tinnitus earplugs health sleep rest energy stress focus
walk gym yoga sick cold flu family kids kid baby partner wife husband mother father parents
brother sister daughter son story stories character characters plot dialog monologue voice-over
audition auditions casting camera cameras lens lenses shot shots angle angles lighting light
lights grade grading color colour colorist VFX animation animator animators CG compositing
producer's showrunner writer writers writers' rehearsal playback playbacks binaural ambisonics
spatial immersive headtracking 7.1.4 5.1 downmix downmixes upmix EBU R128 dialnorm metering
meter meters design designer's designing sounddesign cinematic creature creatures monster
monsters robot robots spaceship engine engines motor motors machine machines mechanical electric
electrical servo magic spell spells laser lasers alien aliens ghost ghosts horror thriller
comedy drama action western romance musical anime cartoon nature wildlife history science sports
news interviews host hosts guest guests episode's season's pilot finale opener teaser chapter
chapters book books author authors poem poetry lyrics lyric songwriter songwriting demoing
topline topliner beatmaker collaboration collab collabs remix remixes remixer splice splices
crossfaded nudge nudged slip slipped trim trimmed sidechain parallel glue transient transients
attack ratio threshold knee makeup headroom clipping clipped distortion overdrive fuzz amp amps
cabinet cab pedal pedals pedalboard reamp reamping DI direct summing sidecar plate chamber echo
slapback shimmer convolution impulse responses IR IRs granular wavetable subtractive additive FM
oscillator oscillators filter filters envelope LFO sequencer arpeggiator sampler samplers MIDI
CV gate voltage eurorack module modules vinyl cassette lacquer cutting pressing sleeve artwork
distribution Bandcamp Spotify streams stream listeners fans fanbase merch live concert concerts
headline headliner stands snake stagebox splitter RF frequency frequencies coordination coverage
orchestrated recorded conducted conductor conducting podium baton Abbey AIR Capitol Hansa Teldex
Synchron Gespräch Zuschauer Gespräche Zuschauerin Fernsehserie Folge Folgen Staffel Staffeln
Vorspann Abspann Titelmusik Filmmusik Komponist Komponistin Dirigent Aufführung Preis Preise
Förderung Förderantrag Rechnung Rechnungen Vertrag Verträge Gage Honorar Steuer Stunde Stunden
Minuten Sekunde Sekunden Monat Monate Jahr Jahre Mittag Montag Dienstag Mittwoch Donnerstag
Freitag Samstag Sonntag Frühling Sommer Herbst Leute Freunde Kollegen Kollegin Kollege Chefin
Praktikant Praktikantin Assistent Wohnung Haus Büro Keller Dachboden Treppe Flur Garten Hof
Strand Berg Berge Fluss Insel Bäume Baum Blume Blumen Gras Erde Stein Steine Staub Luft Sonne
Mond Sterne Himmel Wolken Gewitter Donner Blitz Sturm Nebel Hitze Kälte Frost Tau Schritt Tritt
Klopfen Rascheln Knistern Quietschen Zwitschern Bellen Miauen Summen Plätschern Klirren Pfeifen
Flüstern Schreien Lachen Weinen Atmen Husten Niesen Seufzen Räuspern Schlucken Zähne Füße Hände
Ohren Augen Mund Nase Kopf Stimmen Sprecherkabine Aufnahmeraum Regieraum Mischkino Kinosaal
Schneideraum theremin
""".split()  # noqa: SIM905
# A word of rank r is drawn with weight 1 / r**ZIPF_EXPONENT. Natural text is near 1 over a
# vocabulary of hundreds of thousands of words; over this one's ~2,200, 1.0 would leave even the
# last word in ~575 of a million posts, and a search benchmark needs a rarer one.
ZIPF_EXPONENT = 1.1
# Texts that are one of SENTENCES, so that their phrases recur as people's set phrases do.
SENTENCE_SHARE = 0.15
COMMON_WORD = "mix"
RARE_WORD = "theremin"
PHRASE = "final mix"
BATCH = 50_000


def weighted_sampler(weights: list[float], rng: random.Random):
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]

    def sample() -> int:
        return bisect.bisect_left(cumulative, rng.random() * total)

    return sample


def text_sampler(rng: random.Random):
    """Returns text(budget): a post's words in at most `budget` characters. SENTENCE_SHARE of
    texts are one of SENTENCES; the others are 6-20 words of VOCABULARY, drawn by Zipf's law."""
    weights = (1 / rank**ZIPF_EXPONENT for rank in range(1, len(VOCABULARY) + 1))
    cumulative = list(itertools.accumulate(weights))
    choices, uniform = rng.choices, rng.random

    def text(budget: int) -> str:
        if uniform() < SENTENCE_SHARE:
            return rng.choice(SENTENCES)
        words = choices(VOCABULARY, cum_weights=cumulative, k=6 + int(uniform() * 15))
        text = " ".join(words)
        while len(text) > budget:
            text = text.rpartition(" ")[0]
        return text

    return text


class Writer:
    """Appends rows to a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, table: str, columns: list[str]):
        self.table, self.columns = table, columns

    def write(self, rows) -> int:
        count = 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for chunk in itertools.batched(rows, BATCH):
                        buffer = io.StringIO()
                        for row in chunk:
                            buffer.write("\t".join(_copy_text(value) for value in row))
                            buffer.write("\n")
                        copy.write(buffer.getvalue())
                        count += len(chunk)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            # Table and column names come from our models, never from input.
            sql = f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})"  # noqa: S608
            with connection.cursor() as cursor:
                for chunk in itertools.batched(rows, BATCH):
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
        return count


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@contextlib.contextmanager
def indexes_built_after(tables: list[str]):
    """On PostgreSQL, drop the tables' secondary indexes, unique and foreign-key constraints
    while rows are loaded, and add them back after: one index build and one join to check each,
    instead of index inserts and (deferred) foreign-key triggers for every row, which were most
    of a large seed's time (bench/README.md). Primary keys and CHECK constraints stay."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        # Unique constraints first: the foreign keys pointing at them need their indexes.
        for table, name, definition in sorted(constraints, key=lambda c: c[2].startswith("FOR")):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


class Command(BaseCommand):
    help = "Build a realistic benchmark instance (people, follows, posts, likes, timelines)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--posts", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, users, posts, seed, **options):
        if User.objects.exists():
            raise CommandError("seed_bench needs an empty database (it already has people).")
        if users < 20 or posts < users:
            raise CommandError("Use at least 20 people and at least as many posts as people.")
        self.rng = random.Random(seed)
        self.started = time.monotonic()
        tables = [User, Follow, Post, Post.hashtags.through, Post.mentions.through, Like]
        tables = [model._meta.db_table for model in [*tables, Hashtag, TimelineEntry]]
        with transaction.atomic(), indexes_built_after(tables):
            self.people(users)
            self.follows()
            self.posts(posts)
            self.likes_and_tags()
            self.timelines()
            self.reset_sequences()
        self.say("indexes and foreign keys in place")
        # As the services keep them, counted from the rows now that their index is there.
        author_stats_refresh(author_ids=User.objects.values_list("pk", flat=True))
        self.say("post counts of the authors stored")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Statistics, and the visibility map that lets index-only scans skip the rows.
                # VACUUM cannot run inside a transaction (a test's): ANALYZE alone there.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.say(f"done: {users:,} people, {posts:,} posts")

    def say(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:6.1f} s] {message}")

    # People -------------------------------------------------------------------------------------
    def people(self, count: int) -> None:
        rng = self.rng
        industries = {i.slug: i.id for i in Industry.objects.all()}
        slugs = [slug for slug in INDUSTRY_WEIGHTS if slug in industries]
        pick_industry = weighted_sampler([INDUSTRY_WEIGHTS[s] for s in slugs], rng)
        pick_city = weighted_sampler([w for _, w in CITIES], rng)
        password = make_password("bench-password-123")
        now = datetime.now(UTC)
        self.start = now - timedelta(days=730)
        self.user_ids = list(range(1, count + 1))
        self.industry_of, self.city_of = {}, {}
        special = {1: "bench10", 2: "bench100", 3: "bench1000", 4: "bench5000"}
        rows = []
        for uid in self.user_ids:
            industry = industries[slugs[pick_industry()]] if rng.random() < 0.95 else None
            city = CITIES[pick_city()][0] if rng.random() < 0.9 else ""
            self.industry_of[uid], self.city_of[uid] = industry, city
            first, last = rng.choice(FIRST), rng.choice(LAST)
            username = special.get(uid, f"{first.lower()}_{last.lower()}_{uid}")
            joined = self.start + timedelta(seconds=rng.random() * 730 * 86400 * 0.5)
            rows.append(
                (
                    uid,
                    password,
                    None,
                    False,
                    username,
                    "",
                    "",
                    f"{username}@example.com",
                    False,
                    True,
                    joined,
                    f"{first} {last}",
                    f"{rng.choice(SENTENCES)}. Based in {city or 'the world'}.",
                    industry,
                    city,
                    "",
                    rng.random() < 0.3,
                    None,
                )
            )
        columns = [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "display_name",
            "bio",
            "industry_id",
            "location",
            "website",
            "open_to_collaborate",
            "suspended_at",
        ]
        extra = _user_columns_with_defaults(columns)
        Writer(User._meta.db_table, columns + [c for c, _ in extra]).write(
            row + tuple(v for _, v in extra) for row in rows
        )
        self.say(f"{count:,} people")

    # Follows ------------------------------------------------------------------------------------
    def follows(self) -> None:
        rng, ids = self.rng, self.user_ids
        n = len(ids)
        # Popularity: a Zipf-like pull, plus three accounts followed by ~80% of people.
        popularity = [1 / (rank + 10) ** 0.9 for rank in range(n)]
        order = ids[:]
        rng.shuffle(order)
        weight_of = dict(zip(order, popularity, strict=True))
        stars = set(order[:3])
        pick = weighted_sampler([weight_of[u] for u in ids], rng)
        by_industry: dict = {}
        by_city: dict = {}
        for uid in ids:
            by_industry.setdefault(self.industry_of[uid], []).append(uid)
            by_city.setdefault(self.city_of[uid], []).append(uid)
        special = {1: 10, 2: 100, 3: 1000, 4: 5000}
        self.followees: dict[int, list[int]] = {}
        for uid in ids:
            if uid in special:
                wanted = min(special[uid], n - 1)
                chosen = set(rng.sample([u for u in ids if u != uid], wanted))
            else:
                # Log-normal out-degree: median ~116, most between 30 and 400, a few thousands.
                wanted = int(min(n - 1, max(5, rng.lognormvariate(4.75, 0.75))))
                chosen = {s for s in stars if rng.random() < 0.8 and s != uid}
                attempts = 0
                while len(chosen) < wanted and attempts < wanted * 4:
                    attempts += 1
                    roll = rng.random()
                    if roll < 0.25 and self.industry_of[uid] is not None:
                        candidate = rng.choice(by_industry[self.industry_of[uid]])
                    elif roll < 0.35 and self.city_of[uid]:
                        candidate = rng.choice(by_city[self.city_of[uid]])
                    else:
                        candidate = ids[pick()]
                    if candidate != uid:
                        chosen.add(candidate)
            self.followees[uid] = sorted(chosen)
        created = self.start + timedelta(days=400)
        total = Writer(Follow._meta.db_table, ["follower_id", "followee_id", "created_at"]).write(
            (uid, followee, created) for uid in ids for followee in self.followees[uid]
        )
        self.say(f"{total:,} follows")

    # Posts --------------------------------------------------------------------------------------
    def posts(self, count: int) -> None:
        rng, ids = self.rng, self.user_ids
        activity = [rng.paretovariate(1.1) for _ in ids]
        for special in (1, 2, 3, 4):
            activity[special - 1] = max(activity[special - 1], 3.0)
        pick_author = weighted_sampler(activity, rng)
        span = 730 * 86400
        self.posts_by_author: dict[int, list[int]] = {uid: [] for uid in ids}
        self.tagged: list[tuple[int, int]] = []
        self.mentioned: list[tuple[int, int]] = []
        reposted: set[tuple[int, int]] = set()
        usernames = dict(User.objects.values_list("id", "username"))
        words = text_sampler(rng)

        def rows():
            for pid in range(1, count + 1):
                author = ids[pick_author()]
                created = self.start + timedelta(seconds=span * pid / (count + 1))
                reply_to = repost_of = None
                text = ""
                mentioned = []
                roll = rng.random()
                if pid > 100 and roll < 0.05:
                    repost_of = rng.randrange(max(1, pid - 5000), pid)
                    if (author, repost_of) in reposted:
                        repost_of = None
                    else:
                        reposted.add((author, repost_of))
                elif pid > 100 and roll < 0.15:
                    reply_to = rng.randrange(max(1, pid - 2000), pid)
                if repost_of is None:
                    # The words fill what the hashtag, mention or link leave of MAX_LENGTH.
                    extra = rng.random()
                    if extra < 0.2:
                        tag = rng.randrange(len(TAGS))
                        text = f"{words(MAX_LENGTH - len(TAGS[tag]) - 2)} #{TAGS[tag]}"
                        self.tagged.append((pid, tag))
                    elif extra < 0.3 and (other := ids[pick_author()]) != author:
                        name = usernames[other]
                        text = f"@{name} {words(MAX_LENGTH - len(name) - 2)}"
                        mentioned = [name]
                        self.mentioned.append((pid, other))
                    elif 0.3 <= extra < 0.38:
                        link = f"https://example.com/work/{pid}"
                        text = f"{words(MAX_LENGTH - URL_WEIGHT - 1)} {link}"
                    else:
                        text = words(MAX_LENGTH)
                self.posts_by_author[author].append(pid)
                if reply_to:
                    reply_counts[reply_to] += 1
                if repost_of:
                    repost_counts[repost_of] += 1
                yield [
                    pid,
                    author,
                    text,
                    created,
                    reply_to,
                    repost_of,
                    None,
                    json.dumps(mentioned),
                    None,
                ]

        reply_counts, repost_counts = Counter(), Counter()
        posts = list(rows())
        self.likes = self.pick_likes(len(posts))
        like_counts = Counter(post_id for _, post_id in self.likes)
        for row in posts:
            pid = row[0]
            row += [like_counts[pid], repost_counts[pid], reply_counts[pid]]
        columns = [
            "id",
            "author_id",
            "text",
            "created_at",
            "in_reply_to_id",
            "repost_of_id",
            "removed_at",
            "mentioned_usernames",
            "client_token",
            "like_count",
            "repost_count",
            "reply_count",
        ]
        total = Writer(Post._meta.db_table, columns).write(posts)
        self.post_count = total
        self.say(f"{total:,} posts")

    def pick_likes(self, post_count: int) -> list[tuple[int, int]]:
        """About one like a post, the newest posts the most liked: (user_id, post_id) pairs."""
        rng, ids = self.rng, self.user_ids
        pick_post = weighted_sampler([1 / (rank + 50) for rank in range(post_count)][::-1], rng)
        likes = {(rng.choice(ids), pick_post() + 1) for _ in range(post_count)}
        return sorted(likes)

    def likes_and_tags(self) -> None:
        Writer(Hashtag._meta.db_table, ["id", "name"]).write(
            (index + 1, name) for index, name in enumerate(TAGS)
        )
        tags = Writer(Post.hashtags.through._meta.db_table, ["post_id", "hashtag_id"]).write(
            (pid, tag + 1) for pid, tag in self.tagged
        )
        mentions = Writer(Post.mentions.through._meta.db_table, ["post_id", "user_id"]).write(
            self.mentioned
        )
        created = datetime.now(UTC)
        total = Writer(Like._meta.db_table, ["user_id", "post_id", "created_at"]).write(
            (user_id, post_id, created) for user_id, post_id in self.likes
        )
        self.say(f"{total:,} likes, {tags:,} hashtags, {mentions:,} mentions")

    def timelines(self) -> None:
        cap = settings.TIMELINE_MAX_ENTRIES

        def rows():
            for owner in self.user_ids:
                sources = [self.posts_by_author[owner]] + [
                    self.posts_by_author[f] for f in self.followees[owner]
                ]
                newest = heapq.merge(*(reversed(s) for s in sources if s), reverse=True)
                for post_id in itertools.islice(newest, cap):
                    yield (owner, post_id)

        total = Writer(TimelineEntry._meta.db_table, ["owner_id", "post_id"]).write(rows())
        self.say(f"{total:,} timeline entries (newest {cap} a person)")

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(
            no_style(), [User, Follow, Post, Hashtag, Like, TimelineEntry]
        )
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _user_columns_with_defaults(known: list[str]) -> list[tuple[str, object]]:
    """Columns added to User after this command was written, with their defaults."""
    extra = []
    for field in User._meta.concrete_fields:
        if field.column in known:
            continue
        if field.has_default():
            extra.append((field.column, field.get_default()))
        elif field.null:
            extra.append((field.column, None))
        else:
            extra.append((field.column, ""))
    return extra
