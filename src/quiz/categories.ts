// The four quiz categories, their Russian names and the deep-link payloads that open them
// (t.me/<bot>?start=quiz_<category>).

export const QUIZ_CATEGORIES = {
  relationships: { title: "Отношения", about: "как вы строите близость, доверие и границы" },
  money: { title: "Деньги", about: "что вы чувствуете и во что верите, когда речь о деньгах" },
  confidence: {
    title: "Уверенность",
    about: "на что опирается ваша уверенность и что её подтачивает",
  },
  fears: { title: "Страхи", about: "какие страхи управляют решениями и как с ними обходиться" },
} as const;

export type QuizCategory = keyof typeof QUIZ_CATEGORIES;

export function isQuizCategory(value: string): value is QuizCategory {
  return Object.hasOwn(QUIZ_CATEGORIES, value);
}

/** The category of a `quiz_<category>` payload, if it names one. */
export function quizFromPayload(payload: string): QuizCategory | undefined {
  const m = /^quiz_([a-z]+)$/.exec(payload);
  return m && isQuizCategory(m[1]!) ? m[1] as QuizCategory : undefined;
}
