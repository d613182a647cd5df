"""A small corpus of dated releases of one fictional force, Westshire, for the time-aware tests.

Two successive commissioners (2016 and 2021), two years' burglary figures (published 2019 and
2020), two missing-person appeals (2019 and 2023), and releases that are not about any of it:
a neighbouring force's commissioner (2022, newer than both Westshire ones), an undated road
safety campaign, and a 2023 Westshire release quoting a detective. Markdown with YAML front
matter, as a user would collect them.
"""

from __future__ import annotations

from pathlib import Path

RELEASES = {
    "westshire-pcc-2016.md": """---
title: Alex Morgan sworn in as Police and Crime Commissioner for Westshire
date: 2016-05-12
url: https://www.westshire-pcc.example.uk/news/alex-morgan-sworn-in
---
Alex Morgan has been sworn in as the Police and Crime Commissioner for Westshire after winning last week's
election.

The Commissioner signed the declaration of acceptance of office at Westshire Police headquarters in Millbrook
this morning, in front of the Chief Constable and members of the Police and Crime Panel.

Alex Morgan said: "It is a privilege to serve the people of Westshire. My priorities are clear: more officers
on our streets, better support for victims and a tougher approach to burglary."

The Commissioner will publish a draft Police and Crime Plan for consultation this summer.
""",
    "westshire-pcc-2021.md": """---
title: Priya Natarajan sworn in as Westshire's new Police and Crime Commissioner
date: 2021-05-13
url: https://www.westshire-pcc.example.uk/news/priya-natarajan-sworn-in
---
Priya Natarajan has been sworn in as Westshire's new Police and Crime Commissioner, succeeding Alex Morgan,
who stood down after five years in the role.

She took her oath of office at a short ceremony in Millbrook on Thursday, watched by the Chief Constable.

Priya Natarajan said: "I want to thank Alex Morgan for his service. I will listen to every community in
Westshire, and my first job will be to set out a new Police and Crime Plan focused on violence against women
and girls."

Before her election she chaired the Westshire Victims' Board for four years.
""",
    "westshire-crime-figures-2019.md": """---
title: Burglaries fall across Westshire
date: 2019-01-24
url: https://www.westshire.police.example.uk/news/burglaries-fall-2018
---
Westshire Police recorded 1,204 burglaries in 2018, a fall of 9 per cent on the year before, according to
figures published today.

Detective Superintendent Ruth Adeyemi said the fall followed Operation Keystone, which targeted the gangs
behind a spate of break-ins in Millbrook and Eastport.

Residents are reminded to lock doors and windows and to register valuables on Immobilise.
""",
    "westshire-crime-figures-2020.md": """---
title: Burglaries in Westshire at their lowest for a decade
date: 2020-01-22
url: https://www.westshire.police.example.uk/news/burglaries-lowest-2019
---
Westshire Police recorded 950 burglaries in 2019, the lowest number in ten years, the force's annual crime
figures show.

Detective Superintendent Ruth Adeyemi said: "Operation Keystone has made Westshire a hard place for burglars.
We will keep up the pressure."

Vehicle crime also fell, by 4 per cent.
""",
    "westshire-appeal-2019.md": """---
title: Appeal to find missing Harlow Green teenager
date: 2019-08-02
url: https://www.westshire.police.example.uk/news/missing-harlow-green-teenager
---
Westshire Police are appealing for help to find Jamie Cole, 15, who has been missing since Tuesday.

Jamie was last seen at Harlow Green bus station at about 4pm. He is described as white, about 5ft 7in tall,
with short brown hair, and was wearing a black hooded top.

Anyone who has seen Jamie is asked to call 101 quoting reference 118 of 30 July.
""",
    "westshire-appeal-2023.md": """---
title: Appeal to find missing Eastport man
date: 2023-03-10
url: https://www.westshire.police.example.uk/news/missing-eastport-man
---
Westshire Police are appealing for help to find Daniel Price, 42, who has been missing from his home since
Monday.

Daniel was last seen at Eastport railway station at about 7.30am. He is described as about 6ft tall, of slim
build, with grey hair, and was wearing a blue waterproof jacket.

Anyone with information is asked to call 101 quoting reference 64 of 6 March.
""",
    "westshire-detective-2023.md": """---
title: Millbrook man jailed for fraud
date: 2023-06-15
url: https://www.westshire.police.example.uk/news/millbrook-fraud
---
A Millbrook man who stole more than £40,000 from elderly neighbours has been jailed for four years at
Westshire Crown Court.

Detective Inspector Sam Hill of Westshire Police said: "He preyed on people who trusted him. I hope this
sentence gives his victims some comfort."
""",
    "eastshire-pcc-2022.md": """---
title: Eastshire commissioner launches rural crime plan
date: 2022-09-01
url: https://www.eastshire-pcc.example.uk/news/rural-crime-plan
---
Eastshire's Police and Crime Commissioner, Tom Reid, has launched a plan to tackle rural crime across the
county, with a new team of rural crime officers and more patrols on farms.

Tom Reid said: "Farmers and villagers deserve the same protection as people in our towns."
""",
    "westshire-road-safety.md": """---
title: Westshire road safety campaign targets drink-driving
url: https://www.westshire.police.example.uk/news/road-safety
---
Westshire Police have launched their winter road safety campaign, which targets drink and drug driving.

Officers will run roadside checks across the county throughout December, and anyone caught over the limit
faces a ban and a criminal record.
""",
}


def write_corpus(folder: Path) -> Path:
    """The releases above written into ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in RELEASES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
