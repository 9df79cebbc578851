import unicodedata

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, URLValidator

from accounts import avatars
from accounts.models import PROFILE_FIELDS, ROLES_MAX, Industry, Role, User, credit_year_max
from core.forms import ListedChoiceField, ListedMultipleChoiceField, NoColonLabels, PasswordForm

# Usernames that would clash with our own URLs (/@settings/ is fine, but a person called "admin"
# or "support" looks official) or with words people expect to mean the site itself.
RESERVED_USERNAMES = frozenset(
    {
        "about", "abuse", "accounts", "admin", "administrator", "api", "auth", "contact",
        "explore", "favicon", "follows", "healthz", "help", "home", "industries", "login",
        "logout", "me", "media", "microblog", "moderator", "mod", "notifications", "official",
        "people", "posts", "privacy", "root", "search", "security", "settings", "signup",
        "staff", "static", "support", "system", "tags", "terms", "timeline", "webmaster",
        "www",
    }
)  # fmt: skip


def no_control_characters(value: str) -> None:
    """Single-line fields: no line breaks, tabs or invisible control characters."""
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
        raise ValidationError(
            "Remove line breaks and invisible characters.", code="control_characters"
        )


class SignupForm(NoColonLabels, UserCreationForm):
    usable_password = None  # the admin's "set no password" option has no place here

    class Meta:
        model = User
        fields = ["username", "email"]
        help_texts = {"username": "1-30 letters, digits or underscores. People @mention you by it."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].label = "Email"
        self.fields["email"].help_text = "For password resets. Never shown to anyone."
        self.fields["password1"].label = "Password"
        self.fields["password2"].label = "Password confirmation"
        self.fields["password1"].help_text = "At least 8 characters; not only digits, not common."

    def clean_username(self):
        username = self.cleaned_data["username"]
        if username.lower() in RESERVED_USERNAMES:
            raise ValidationError("That username is reserved. Choose another.", code="reserved")
        return username

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])

    def validate_unique(self):
        """Whether the username or the email address is taken is for accounts.services.user_signup
        to say, behind the sign-up rate limit: answered here, anyone could test addresses
        without limit."""

    def validate_constraints(self):
        """The case-insensitive unique constraints on username and email: see validate_unique."""


class PrivacyForm(NoColonLabels, forms.ModelForm):
    class Meta:
        model = User
        fields = ["default_visibility", "approve_followers", "messages_from", "discoverable"]
        labels = {
            "default_visibility": "Default visibility",
            "approve_followers": "Approve followers",
            "messages_from": "Who can message you",
            "discoverable": "Show me in search and suggestions",
        }
        help_texts = {
            "default_visibility": "What the compose box starts with; each post can choose.",
            "approve_followers": "New followers ask first; you accept or reject them. "
            "Followers-only posts reach only the people you accepted.",
            "messages_from": "People you have written to can always answer.",
            "discoverable": "When off, you are left out of people search, the directory, "
            "industry pages and who to follow. People can still reach your profile by its "
            "address, and your public posts still appear in search and timelines.",
        }
        error_messages = {
            "default_visibility": {"invalid_choice": "Choose one of the visibilities listed."},
            "messages_from": {"invalid_choice": "Choose one of the options listed."},
        }


class ProfileForm(NoColonLabels, forms.ModelForm):
    avatar_upload = forms.FileField(
        label="Avatar",
        required=False,
        help_text="JPEG, PNG, WebP or GIF, up to 5 MB. It is cropped to a square.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    avatar_remove = forms.BooleanField(label="Remove avatar", required=False)
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Your portfolio, reel or studio site.",
    )

    roles = ListedMultipleChoiceField(
        label="Roles",
        queryset=Role.objects.order_by("name"),
        # By slug: a value is looked up as text, so no number sent can overflow the database's.
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Up to {ROLES_MAX}: what you do. People can find you by them in the directory.",
        error_messages={
            "invalid_choice": "Choose roles from the list.",
            "invalid_pk_value": "Choose roles from the list.",
        },
    )

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        labels = {
            "display_name": "Display name",
            "bio": "Bio",
            "industry": "Industry",
            "location": "Location",
            "open_to_collaborate": "Open to collaborate",
        }
        help_texts = {
            "display_name": "Up to 50 characters.",
            "bio": "Up to 160 characters.",
            "location": "A city or region, up to 50 characters.",
            "open_to_collaborate": "Shows a badge on your profile; people can search for it.",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 3, "maxlength": 160})}
        field_classes = {"industry": ListedChoiceField}

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        if len(roles) > ROLES_MAX:
            raise forms.ValidationError(
                f"Choose up to {ROLES_MAX} roles; you chose {len(roles)}.", code="too_many"
            )
        return roles

    field_order = [
        "display_name",
        "bio",
        "industry",
        "roles",
        "location",
        "website",
        "avatar_upload",
        "avatar_remove",
        "open_to_collaborate",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.all()
        self.fields["industry"].empty_label = "Choose an industry"
        self.fields["display_name"].validators.append(no_control_characters)
        self.fields["location"].validators.append(no_control_characters)
        self.fields["website"].validators.append(no_control_characters)
        self.avatar_images: tuple[bytes, bytes] | None = None
        if not self.instance.avatar:
            del self.fields["avatar_remove"]

    def clean_bio(self):
        bio = self.cleaned_data["bio"]
        # Line breaks are allowed in a bio; other control characters are not.
        no_control_characters(bio.replace("\r\n", "\n").replace("\n", ""))
        return bio.replace("\r\n", "\n")

    def clean_avatar_upload(self):
        upload = self.cleaned_data.get("avatar_upload")
        if upload:
            self.avatar_images = avatars.avatar_images(upload)
        return upload


class DeleteAccountForm(PasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = "Enter your password to confirm."


class CreditForm(NoColonLabels, forms.Form):
    """One line of a portfolio: "Dialogue editor, Night Shift, 2024"."""

    role = forms.CharField(
        label="Role", max_length=60, help_text="What you did: e.g. Dialogue editor."
    )
    title = forms.CharField(label="Title", max_length=120, help_text="The film, show or record.")
    year = forms.IntegerField(
        label="Year",
        min_value=1900,
        error_messages={"invalid": "Give the year as a number, e.g. 2024."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update({"min": 1900, "max": credit_year_max()})
        self.fields["year"].validators.append(MaxValueValidator(credit_year_max()))
