"""Load a small demo community: people in music, sound and post-production in four cities.

The demo people follow each other through follows.services.follow_create, and their posts go
through the post_created signal, so every demo home timeline is filled (by the task worker
that `make run` starts beside the web server).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Industry, User, Visibility
from follows.services import follow_create
from posts.services import post_create

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

# Who follows whom: everyone follows a few people in their industry or city.
FOLLOWS = {
    "maya": ["aiko", "sam", "jonas", "leo"],
    "jonas": ["sam", "maya", "leo"],
    "priya": ["aiko", "maya"],
    "leo": ["jonas", "maya"],
    "aiko": ["priya", "maya", "jonas"],
    "sam": ["jonas", "maya"],
}


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
        created = []
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
            created.append((person, texts))
        # Follow first, then post in turns, so timelines interleave as they would in real life.
        people = {person.username: person for person, _ in created}
        for username, followees in FOLLOWS.items():
            for followee in followees:
                if username in people and followee in people:
                    follow_create(follower=people[username], followee=people[followee])
        for turn in range(max((len(texts) for _, texts in created), default=0)):
            for person, texts in created:
                if turn < len(texts):
                    post_create(author=person, text=texts[turn])
        # A conversation, so Messages shows what it is for: a direct post, then its answer.
        if "maya" in people and "jonas" in people:
            first = post_create(
                author=people["maya"],
                text="@jonas Free next Thursday for the string overdubs? Studio B is booked.",
                visibility=Visibility.DIRECT,
            )
            post_create(
                author=people["jonas"], text="Yes! I'll bring the ribbon mics.", in_reply_to=first
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded. Log in as any of {', '.join(p[0] for p in PEOPLE)} "
                f"with the password '{DEMO_PASSWORD}'."
            )
        )
