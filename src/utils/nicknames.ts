/** Random friendly nicknames for pupils, so nobody types a real name. */
const ADJECTIVES = ['勇敢的', '聪明的', '快乐的', '细心的', '机灵的', '勤奋的', '友善的', '沉着的', '敏捷的', '认真的', '安全的', '警觉的'];
const ANIMALS = ['熊猫', '小鹿', '海豚', '企鹅', '松鼠', '白鸽', '骏马', '猎豹', '猫头鹰', '小象', '黄鹂', '考拉', '长颈鹿', '刺猬', '蜜蜂', '山羊'];

export function randomNickname(rand: () => number = Math.random): string {
  const pick = <T,>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  return `${pick(ADJECTIVES)}${pick(ANIMALS)}${Math.floor(rand() * 90) + 10}`;
}
