"""Synonyms: words and phrases investors use for the same thing, in any language.

Every portal starts with ``DEFAULTS`` (migration 0010 adds them); curators keep
the list at /admin/synonyms. catalogue.query applies them to every search.
"""

from __future__ import annotations

#: one group per string, its phrases separated by commas
DEFAULTS = [
    "Kyrgyzstan, Kyrgyz, Kyrgyzstani, Kyrgyz Republic, Kirghizia, Kirgizia, Kyrgyzia, Kirghizstan, "
    "Кыргызстан, Киргизия, Киргизстан, кыргызский, киргизский, Кыргызская Республика, Кыргыз Республикасы, "
    "کرغزستان, کرغیزستان, قرغیزستان",
    "Pakistan, Pakistani, Islamic Republic of Pakistan, Пакистан, пакистанский, Пакистан Ислам Республикасы, پاکستان",
    "special economic zone, SEZ, free economic zone, FEZ, economic zone, free zone, СЭЗ, ЭЗ, "
    "свободная экономическая зона, специальная экономическая зона, особая экономическая зона, экономическая зона, "
    "ЭЭА, эркин экономикалык аймак, атайын экономикалык аймак, экономикалык аймак, "
    "خصوصی اقتصادی زون, آزاد اقتصادی زون, اقتصادی زون",
    "hydropower, hydro power, hydroelectric, hydroelectricity, hydel, hydropower plant, ГЭС, гидроэлектростанция, "
    "гидроэнергетика, гидроэнергия, гидроэлектр станциясы, پن بجلی, پن بجلی گھر, ہائیڈرو پاور",
    "solar, solar power, photovoltaic, PV, солнечная энергия, солнечная электростанция, СЭС, күн энергиясы, "
    "күн электр станциясы, شمسی توانائی, شمسی بجلی, سولر",
    "IT, information technology, software, ИТ, информационные технологии, программное обеспечение, "
    "маалыматтык технологиялар, программалык камсыздоо, آئی ٹی, انفارمیشن ٹیکنالوجی, سافٹ ویئر",
    "textiles, textile, garments, apparel, clothing, текстиль, одежда, швейная, кийим, тигүү, ٹیکسٹائل, ملبوسات, کپڑا",
    "halal, халяль, халал, حلال",
    "public-private partnership, PPP, P3, ГЧП, государственно-частное партнерство, мамлекеттик-жеке өнөктөштүк, "
    "МЖӨ, سرکاری و نجی شراکت داری, پبلک پرائیویٹ پارٹنرشپ",
    "joint venture, JV, совместное предприятие, биргелешкен ишкана, مشترکہ منصوبہ",
    "pharmaceuticals, pharma, medicines, drugs, фармацевтика, лекарства, фарма, дары-дармек, دواسازی, ادویات, فارما",
    "tourism, travel, hospitality, туризм, туристтик, سیاحت",
    "ski, skiing, лыжи, горнолыжный, лыжа, тоо лыжа, اسکی",
    "mining, minerals, mineral, горнодобывающая, добыча, кен казуу, кен, کان کنی, معدنیات",
    "logistics, freight, cargo, логистика, грузы, жүк ташуу, لاجسٹکس, مال برداری",
    "cold chain, cold storage, холодовая цепь, холодильный склад, муздак чынжыр, муздаткыч, کولڈ چین, کولڈ اسٹوریج",
    "Issyk-Kul, Issyk Kul, Ysyk-Kol, Иссык-Куль, Ысык-Көл, ایسیک کول",
    "Bishkek, Бишкек, بشکیک",
    "Osh, Ош, اوش",
]
