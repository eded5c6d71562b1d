"""Made-up but human-looking names for the demo roster (a few with accents, to exercise encodings)."""

from __future__ import annotations

import unicodedata

FIRST_NAMES: tuple[str, ...] = tuple(
    """
    Priya Aisha Mateo Sofia Liam Olivia Noah Emma Wei Mei Hiroshi Yuki Arjun Ananya Kwame Amara
    Diego Lucía Chloé Renée José Zoë Søren Ingrid Fatima Omar Leila Yusuf Elena Dmitri Katarzyna
    Tomasz Niamh Siobhan Cormac Grace Ethan Ava Lucas Mia Benjamin Charlotte Samuel Harper
    Daniel Amelia Gabriel Isabella Rafael Camila Jin Seo-yeon Min-jun Thandiwe Sipho Nkechi
    Chidi Adebayo Folake Rohan Kavya Vikram Deepa Sanjay Meera Tariq Nadia Hassan Yasmin Lars
    Astrid Björn Freya Mateus Beatriz Thiago Ana Marco Giulia Luca Francesca Pierre Camille Hugo
    Léa Felix Hannah Jonas Lena Patrick Aoife Connor Erin Marcus Tanya Jordan Taylor Alex Sam
    Morgan Riley Jamal Keisha Andre Imani Malik Nia Carlos Valentina Andrés Paula Rui Inês Anh
    Linh Minh Thao Kofi Efua Hamid Parisa Reza Shirin Ravi Lakshmi Nikhil Pooja Oliver Isla
    """.split()
)

LAST_NAMES: tuple[str, ...] = tuple(
    """
    Natarajan Okafor García Rossi Smith Johnson Williams Brown Chen Wang Tanaka Sato Patel
    Sharma Mensah Boateng Hernández López Dubois Lefèvre Müller Schmidt Nielsen Andersson Haddad
    Rahman Khan Ali Ivanova Petrov Kowalski Nowak O'Brien Murphy Kelly MacLeod Campbell Taylor
    Anderson Thomas Jackson White Harris Martin Thompson Moore Clark Lewis Walker Young Kim Park
    Lee Choi Dlamini Nkosi Adeyemi Eze Balogun Iyer Reddy Gupta Menon Desai Qureshi Hussain
    Farouk Nasser Lindqvist Berg Johansson Silva Santos Oliveira Costa Ferrari Romano Conti
    Moreau Laurent Fischer Weber Wagner Byrne Doyle Walsh Green Baker Hughes Wright Robinson
    Scott Adams Nelson Carter Mitchell Washington Okonkwo Diallo Traoré Ramírez Torres Flores
    Vargas Pereira Nguyen Tran Pham Le Asante Owusu Karimi Ahmadi Hosseini Subramanian Krishnan
    Bose Chatterjee Fraser Ólafsdóttir Novak Horvat
    """.split()
)

_ASCII_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l"})


def email_local_part(first: str, last: str) -> str:
    """``"Zoë", "O'Brien"`` -> ``"zoe.obrien"``: accents folded, punctuation dropped."""

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())

    return f"{fold(first)}.{fold(last)}"
