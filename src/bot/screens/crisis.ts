// What the bot says around a crisis: fixed texts, never generated. Help lines come from
// safety/helplines.json (see src/safety/helplines.ts), so every text names them the same way.

import { type Helplines, helpList, mainNumber } from "../../safety/helplines.ts";
import { PLAN_STEPS, type SafetyPlan } from "../../safety/plan.ts";
import { escapeHtml } from "../ui.ts";

export function crisisText(h: Helplines): string {
  return "Мне очень жаль, что вам сейчас так тяжело. Хорошо, что вы написали об этом — вы не " +
    "должны справляться с этим в одиночку.\n\n" +
    "Я — программа и не могу помочь так, как помогут живые люди. Пожалуйста, позвоните сейчас — " +
    `там выслушают:\n${helpList(h)}\n\n` +
    "Если рядом есть то, чем можно себе навредить, отложите это подальше или выйдите туда, где " +
    "есть люди. Напишите или позвоните тому, кому доверяете, и скажите, что вам сейчас плохо. " +
    "А если хотите, давайте вместе сделаем короткое упражнение: оно помогает немного вернуться " +
    "в «здесь и сейчас».";
}

export function violenceText(h: Helplines): string {
  return "Мне очень жаль, что с вами это происходит. Сейчас важнее всего ваша безопасность.\n\n" +
    "Если вам угрожают прямо сейчас — звоните в экстренные службы. Если можете, уйдите туда, " +
    "где есть люди (к соседям, на улицу), или закройтесь в комнате, которая запирается, и " +
    "держите телефон при себе.\n\n" +
    `${helpList(h, { violence: true })}\n\n` +
    "Я — программа и не могу вызвать помощь за вас. Вы ни в чём не виноваты и не должны " +
    "справляться с этим в одиночку.";
}

export const CHECK_IN = "Я здесь и никуда не тороплюсь. Прежде чем мы вернёмся к обычному " +
  "разговору, скажите, пожалуйста: как вы сейчас? Вы в безопасности?";

export function stillHardText(h: Helplines): string {
  return "Спасибо, что говорите честно. Пожалуйста, не оставайтесь с этим один на один — " +
    `позвоните:\n${helpList(h)}\n\n` +
    "Разговор с живым человеком может помочь уже сейчас. Я тоже рядом.";
}

export function betterText(h: Helplines): string {
  return "Хорошо, что вам стало легче. Спасибо, что остались на связи. Если станет тяжело " +
    `снова — напишите мне, нажмите /sos или позвоните ${mainNumber(h)} (бесплатно).\n\n` +
    "Можем продолжить разговор — напишите, что у вас на душе.";
}

export function groundingText(h: Helplines): string {
  return "🫁 <b>Упражнение «5-4-3-2-1»</b>\n\n" +
    "Сядьте удобнее и сделайте медленный вдох на 4 счёта и выдох на 6. Потом назовите про себя:\n" +
    "• <b>5</b> вещей, которые вы видите;\n" +
    "• <b>4</b> — которые можете потрогать;\n" +
    "• <b>3</b> звука, которые слышите;\n" +
    "• <b>2</b> запаха;\n" +
    "• <b>1</b> вкус.\n\n" +
    "Не торопитесь. Когда закончите, напишите мне, как вы. Если тяжело по-прежнему, позвоните " +
    `${mainNumber(h)} — там выслушают.`;
}

export const BREATHING = "🌬 <b>Дыхание «квадрат»</b>\n\n" +
  "Поставьте ноги на пол, положите руку на живот. Дальше четыре счёта на каждый шаг:\n" +
  "• вдох носом — 1, 2, 3, 4;\n" +
  "• задержка — 1, 2, 3, 4;\n" +
  "• медленный выдох ртом — 1, 2, 3, 4;\n" +
  "• пауза — 1, 2, 3, 4.\n\n" +
  "Повторите 4–6 раз. Если кружится голова, дышите как обычно и просто считайте выдохи. " +
  "Когда будете готовы, напишите мне, как вы.";

export const FALSE_ALARM = "Спасибо, что поправили. Простите, если мой ответ вас встревожил: " +
  "такие слова я принимаю всерьёз. Сейчас отвечу на ваше сообщение.";

export const FALSE_ALARM_QUIZ = "Спасибо, что поправили. Продолжим квиз: напишите, пожалуйста, " +
  "ответ на вопрос ещё раз.";

export function concernLine(h: Helplines): string {
  return "🤍 Если станет совсем тяжело, вы не одни: можно позвонить " +
    `<b>${mainNumber(h)}</b> (бесплатно) — там выслушают. Кнопка ниже откроет упражнения, ` +
    "которые помогают пережить трудную минуту, и ваш план безопасности.";
}

export function otherPersonLine(h: Helplines): string {
  return "🤍 Если человеку угрожает опасность прямо сейчас — звоните <b>112</b>. Посоветоваться, " +
    `как поддержать близкого, можно по телефону доверия <b>${mainNumber(h)}</b> (бесплатно). ` +
    "И не забывайте о себе: вам сейчас тоже нужна поддержка.";
}

export function sosText(h: Helplines, hasPlan: boolean): string {
  return "🆘 <b>Мне тяжело</b>\n\n" +
    "Я рядом. Давайте сделаем что-то маленькое прямо сейчас: упражнение на заземление или " +
    "дыхание помогает пережить самую трудную минуту." +
    (hasPlan ? " Ваш план безопасности — выше." : "") +
    `\n\nТам, где выслушают живые люди:\n${helpList(h)}`;
}

export function helplinesText(h: Helplines): string {
  return "📞 <b>Где помогут</b>\n\n" +
    `${helpList(h, { violence: true })}\n\n` +
    "Звонки анонимны. Если не получается говорить, можно просто сказать: «Мне сейчас очень плохо».";
}

export const PLAN_TITLES: Record<typeof PLAN_STEPS[number], string> = {
  warning_signs: "Мои тревожные сигналы",
  coping: "Что помогает мне справиться самостоятельно",
  distractions: "Люди и места, которые отвлекают",
  helpers: "Кого я могу попросить о помощи",
  professionals: "Специалисты и телефоны помощи",
  environment: "Как сделать обстановку безопаснее",
};

/** The plan as a message; empty steps are left out. */
export function planText(plan: SafetyPlan): string {
  const steps = PLAN_STEPS.filter((s) => plan[s])
    .map((s) => `<b>${PLAN_TITLES[s]}</b>\n${escapeHtml(plan[s]!)}`);
  return `📋 <b>Ваш план безопасности</b>\n\n${steps.join("\n\n")}`;
}

export const ADMIN_ALERT = (who: string, place: string, source: string) =>
  `⚠️ Кризисный сигнал: пользователь ${who}, раздел ${place}, источник ${source}. ` +
  "Текст сообщения не пересылается.";

/** The safety plan's callback data (features/safety_plan.ts; /sos opens it). */
export const PLAN = {
  open: "plan:open",
  start: "plan:start",
  skip: (i: number) => `plan:skip:${i}`,
  edit: "plan:edit",
  step: (i: number) => `plan:step:${i}`,
  delete: "plan:delete",
  deleteYes: "plan:delete:yes",
  /** Parsers of the data built above. */
  match: { step: /^plan:step:(\d)$/, skip: /^plan:skip:(\d)$/ },
} as const;
