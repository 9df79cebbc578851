"""Load a small demo community: people in music, sound and post-production in four cities."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Industry, User
from posts.models import Post

DEMO_PASSWORD = "demo-password-123"

# username, display name, industry slug, location, open to collaborate, bio, posts (oldest first)
PEOPLE = [
    (
        "maya",
        "Maya Okafor",
        "audio-and-sound-design",
        "Los Angeles",
        True,
        "Sound designer for indie features. Foley nerd.",
        [
            "Recording celery snaps for a bone-break scene. The studio smells like soup.",
            "Looking for a composer in LA for a horror short, temp track is all cellos. #horror",
        ],
    ),
    (
        "jonas",
        "Jonas Weber",
        "music-production-and-engineering",
        "Berlin",
        True,
        "Mixing engineer. Techno by night, string quartets by day.",
        [
            "Bouncing stems for a label comp. 14 tracks, 3 days, 1 coffee machine.",
            "Anyone in Berlin with a spare Neve preamp to rent next week?",
        ],
    ),
    (
        "priya",
        "Priya Raman",
        "film-and-tv-post-production",
        "London",
        False,
        "Dialogue editor on TV drama. Room tone collector.",
        [
            "Conforming episode 4 after the picture lock that was not a lock.",
            "ADR session at 9. Actor has a cold. Wish us luck.",
        ],
    ),
    (
        "leo",
        "Leo Martins",
        "music",
        "New York",
        True,
        "Session bassist and producer, Brooklyn.",
        [
            "Tracking upright bass for a jazz record in a church. The reverb is free.",
            "Who is playing the Blue Note on Friday? Looking to sit in.",
        ],
    ),
    (
        "aiko",
        "Aiko Tanaka",
        "film-and-tv-post-production",
        "Los Angeles",
        True,
        "Re-recording mixer. Atmos all day.",
        [
            "Final mix on a documentary, 7.1.4. The helicopter pans are perfect.",
            "Hiring an assistant editor for a two-week stint in Burbank. #jobs",
        ],
    ),
    (
        "sam",
        "Sam Fischer",
        "audio-and-sound-design",
        "Berlin",
        False,
        "Game audio, procedural everything.",
        ["Wrote a footstep system with 40 surfaces. Gravel is still the hardest."],
    ),
]


class Command(BaseCommand):
    help = "Create demo people and posts (with --if-empty, only when nobody has signed up yet)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database has any user"
        )

    @transaction.atomic
    def handle(self, *args, if_empty=False, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("Demo data not loaded: the database already has people in it.")
            return
        industries = {industry.slug: industry for industry in Industry.objects.all()}
        for username, name, industry, location, open_flag, bio, texts in PEOPLE:
            if User.objects.filter(username=username).exists():
                continue
            person = User.objects.create_user(
                username=username,
                email=f"{username}@example.com",
                password=DEMO_PASSWORD,
                display_name=name,
                industry=industries.get(industry),
                location=location,
                open_to_collaborate=open_flag,
                bio=bio,
            )
            for text in texts:
                Post.objects.create(author=person, text=text)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded. Log in as any of {', '.join(p[0] for p in PEOPLE)} "
                f"with the password '{DEMO_PASSWORD}'."
            )
        )
