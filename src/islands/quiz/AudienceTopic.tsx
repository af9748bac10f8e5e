export interface AudienceChoice {
  code: string;
  name: string;
  count: number;
  topics: { topic: string; count: number }[];
}

interface Props {
  choices: AudienceChoice[];
  audience: string;
  topic: string;
  onAudience: (code: string) => void;
  onTopic: (topic: string) => void;
  idPrefix: string;
}

/** Who is answering, and optionally one topic; topics follow the chosen audience. */
export default function AudienceTopic({ choices, audience, topic, onAudience, onTopic, idPrefix }: Props) {
  const current = choices.find((c) => c.code === audience) ?? choices[0];
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-audience`}>答题对象</label>
        <select
          id={`${idPrefix}-audience`}
          value={audience}
          onChange={(e) => {
            onAudience(e.target.value);
            onTopic('');
          }}
        >
          {choices.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}（{c.count} 道题）
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-topic`}>主题</label>
        <select id={`${idPrefix}-topic`} value={topic} onChange={(e) => onTopic(e.target.value)}>
          <option value="">全部主题</option>
          {current?.topics.map((t) => (
            <option key={t.topic} value={t.topic}>
              {t.topic}（{t.count} 道题）
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
