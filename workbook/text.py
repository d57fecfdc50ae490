"""Every message the app shows about what happened, in one place (the jrnl habit).

Kept here so the voice stays consistent (VOICE.md) and a writer can review all of it
in one read. Placeholders are filled with ``str.format``.
"""

from workbook.cleantext import has_words

NOT_SAVED_GUEST = (
    "You are not signed in, so what you write here stays on this screen only and is "
    "gone when you close the page. To keep it, make a private space or sign in."
)
SAVED_PRIVATE = "Saved. Only you can see this."
SAVED_SHARED = "Saved and shared with {partner}."
SAVE_FAILED = "We could not save this. Your words are still here. Try again in a moment."
# A click that changes something (share, make private, delete) could not reach the database.
CHANGE_FAILED = "We could not change this just now. Nothing was lost. Try again in a moment."
SIGNED_OUT_UNSAVED = (
    "You have been signed out, so this was not saved. Your words are still here: "
    "sign in to save them."
)
EMPTY_ANSWER = "There is nothing to save yet. Write a few words first, or skip this one for now."
TOO_LONG = (
    "This is longer than we can keep in one answer ({limit:,} characters). "
    "Your words are still here: try splitting them into two answers."
)
NOT_YOURS = (
    "Only the person who wrote an entry can change it, and this one is not yours or is "
    "no longer here."
)
GONE = "That entry is no longer here. It may have been deleted."
# An answer box whose words differ from what is saved: typed here, or kept as a draft
# from before a reload, a lock or another window (workbook/ui/question.py).
CHANGES_NOT_SAVED = "The words above differ from your saved answer."
DRAFT_NOT_SAVED = "Not saved yet. Your words wait here, kept private, until you save them."
# A newer answer saved (in another window, or in the journal) while this window's box
# holds words typed here: its Save would replace it (workbook/ui/saved_answers.py).
ANSWER_CHANGED_ELSEWHERE = (
    "A newer answer to this question was saved after you began typing here. Saving "
    "your words here replaces it; your journal shows it."
)
TOGETHER_CHANGED_ELSEWHERE = (
    "A newer answer of yours to this question was saved after you began typing here. "
    "Saving your words here replaces it."
)
# A Save of a box that still showed an older answer: a newer one is in it now.
MADE_PRIVATE_ELSEWHERE = (
    "This answer was made private in another window, so nothing was shared or saved just "
    'now. The choice here shows "Just for me"; change it and press Save if you want to '
    "share it."
)
PARTNER_WORDS_IN_SUMMARY = (
    "Some of these are {partner}'s words, shared with you. If you bring them, it may "
    "help to tell {partner} first."
)
REVEAL_WAITS_IN_JOURNAL = (
    "You have both answered a together question. {partner}'s answer shows here once "
    "you open them together, on Today or in the chapter."
)
REVEALS_WAIT_IN_JOURNAL = (
    "You have both answered {count} together questions. {partner}'s answers show here "
    "once you open them together, on Today or in the chapter."
)
NEWER_ANSWER_SHOWN = (
    "A newer answer to this question was saved in another window, so the box shows it "
    "now and nothing was replaced. Save again if you want to change it."
)
# A journal entry with words typed into its edit box and not saved (kept as a draft).
EDIT_WAITING = "You have changes here that are not saved yet. Edit shows them."
# An entry saved in another window while this one has it open for editing.
EDIT_CHANGED_ELSEWHERE = (
    "This entry was saved in another window after you opened it here. Saving your "
    "words here replaces that version; Close shows it."
)
GONE_KEPT_AS_DRAFT = (
    "That entry is no longer here. It may have been deleted in another window. "
    "Your words are kept as a draft on its question in the chapter."
)
SIGN_IN_MISMATCH = (
    "That sign-in name and passphrase do not match. Check capital letters and try again."
)
RECOVERY_MISMATCH = "That sign-in name and recovery key do not match. Check them and try again."
CURRENT_MISMATCH = "Your current passphrase does not match. Check capital letters and try again."
SLOW_DOWN = "To keep your space safe, please wait {duration} before trying again."
INVITE_INVALID = (
    "This invite code does not work. It may have been used already or have expired. "
    "Ask your partner to make a new one."
)
NAME_TAKEN = "That sign-in name is not available. Please choose another."
SPACE_FULL = "Your space already has two partners."
KEY_CHANGED = (
    "Your space changed since you signed in (a partner left or a key was renewed), so "
    "we stopped here to keep your words safe. Please sign in again: nothing saved "
    "before is lost."
)
SOME_UNREADABLE = (
    "Some saved words could not be opened with the key your space uses now, so they "
    "are left out. All the rest is here. This can happen after a partner leaves."
)
PARTNER_FALLBACK_NAME = "Your partner"
# Where you are, for a partner's shared answer that no key of this space opens.
SHARED_UNREADABLE = (
    "It could not be opened with your space's current key. Nothing else is affected."
)
ENTRY_UNREADABLE = (
    "This entry could not be opened with your space's current key. Nothing else is "
    "affected; you can write it again if you like."
)
BACKUP_NOT_A_BACKUP = (
    "This file is not a workbook backup. Please choose the .wbk file you saved from Your data."
)
BACKUP_DAMAGED = (
    "This backup file is damaged or not complete, so nothing was restored. If you "
    "have another copy, try that one."
)
BACKUP_TOO_BIG = (
    "This file is bigger than any workbook backup can be, so it was not opened and "
    "nothing was restored."
)
BACKUP_OTHER_INSTALL = (
    "This backup was made in another copy of the app. Each copy has its own secret key, "
    "so the file cannot be opened here and nothing was restored. Restore it in the "
    "app where you made it."
)
BACKUP_NOT_OPENED = (
    "That passphrase does not open this backup. Use the passphrase you had when you made it."
)
BACKUP_ALREADY_HERE = "This space is already here, so there is nothing to restore."
BACKUP_NAME_USED = "A sign-in name in this backup is already used here, so nothing was restored."
CONFIRM_MISSING = (
    "Please type your passphrase a second time, in the box below it, so we know it is "
    "the one you meant."
)
PASSPHRASES_DIFFER = "The two passphrases are not the same. Please type them again."


# Shown while a passphrase is turned into a key (it may wait behind other sign-ins).
SIGNING_IN = "Signing you in…"
SIGN_IN_BUSY = (
    "Many people are signing in right now, so we could not finish yours. Nothing was "
    "changed: please try again in a minute."
)


def unreadable_note(count: int) -> str | None:
    """The gentle note for rows that could not be opened, or None if there were none."""
    return SOME_UNREADABLE if count else None


BACKUP_OPENS_WHERE = (
    "A backup file holds your whole space, still encrypted. It opens only with your "
    "passphrase, and only in this app: the same website you are using now. Words you "
    "have not saved yet (drafts) are not in it. Keep it somewhere safe."
)
RESTORE_NEEDS = (
    "Bring back a space from a backup file. You need the passphrase you had when you "
    "made it. A backup opens only in the app it came from."
)


NEAR_LIMIT = "{count:,} of {limit:,} characters. One answer can hold up to {limit:,}."
OVER_LIMIT = (
    "This is {over:,} characters longer than one answer can hold ({limit:,}). Nothing "
    "is cut: your words are all still here. You could split them into two answers."
)


def answer_problem(words: str, limit: int) -> str | None:
    """The kind message for an answer that cannot be saved as it is, or None if it can."""
    if not has_words(words):  # empty, spaces, or only zero-width/invisible characters
        return EMPTY_ANSWER
    if len(words) > limit:
        return TOO_LONG.format(limit=limit)
    return None


SIGNED_OUT_KEPT = (
    "To keep your words private, reloading or closing this page signs you out. "
    "Anything you typed while signed in is kept, encrypted: sign in and it is back "
    "where you left it."
)

# A partner's shared check-in with a PHQ-9 item-9 answer above 0 (VOICE.md section 6:
# action first; name it plainly; asking directly does not make things worse).
PARTNER_ITEM_9 = (
    "{name} shared a check-in in which they said they have had thoughts of being better "
    "off dead or of hurting themselves. Please talk with {name} today and ask how they "
    "are; asking directly does not make things worse. If {name} might act on these "
    "thoughts, call your emergency number now. Crisis lines to call or text are on "
    "Get help now."
)

# After "Delete our whole space": the sign-in view says it is done.
SPACE_DELETED = (
    "Your space is deleted, with everything you both wrote in it. Nothing of it is kept here."
)
# The hand-over's passphrase is the other partner's own: no sign-in name is asked for.
HANDOVER_MISMATCH = "That is not {name}'s passphrase. Check capital letters and try again."
